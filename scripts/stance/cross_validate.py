"""Leave-one-set-out figures of the shipped stance configuration (train.py's) with the current
detector: for each tune half, a model trained on everything else decides that half's findings.
Prints the scams lost and the false positives removed at each threshold, summed over the halves
(every number out of sample).

Usage: python3 scripts/stance/cross_validate.py [MORE_STANCE_FILES...]
(more files of stance lines are learned from too, to measure whether they help)"""
import os
import sys

import common
import exp
import train

common.STANCE_FILES += [os.path.abspath(p) for p in sys.argv[1:]]
opts = dict(train.OPTS, use_tune=True, use_probes=True, int8=True)
exp.show(exp.loso(train.CFG, opts, tag="shipped configuration" + (" + " + ", ".join(sys.argv[1:]) if sys.argv[1:] else "")))
