import json, collections
CATS={"off_platform_payment","off_platform_contact","deposit_first","address_change_after_payment","order_tampering","fake_refund","credential_request","phishing_link","fake_payment_proof","platform_impersonation"}
rows=[json.loads(l) for l in open('conversation-context.jsonl',encoding='utf-8')]
ids=[r['id'] for r in rows]; assert len(ids)==len(set(ids)),"dup id"
texts=[r['text'] for r in rows]; d=[t for t,c in collections.Counter(texts).items() if c>1]; assert not d, d
convs=collections.OrderedDict()
for r in rows:
    assert set(r)<= {"id","conversation","speaker","text","labels","note"}
    assert r['conversation'] and r['speaker'] in ("buyer","seller","agent","system")
    assert all(l in CATS for l in r['labels'])
    assert r['note'].startswith(("scam:","benign:","hard-negative:"))
    assert bool(r['labels'])==r['note'].startswith("scam:"), r['id']
    convs.setdefault(r['conversation'],[]).append(r)
lens=[len(v) for v in convs.values()]
scam=[r for r in rows if r['labels']]; ben=[r for r in rows if not r['labels']]
ctx=[r for r in scam if 'context-only' in r['note']]
assert all('context-only' not in r['note'] for r in ben)
hn=[r for r in ben if r['note'].startswith('hard-negative')]
pure=[c for c,v in convs.items() if not any(r['labels'] for r in v)]
print("messages",len(rows),"convs",len(convs),"turns min/max",min(lens),max(lens))
print("scam",len(scam),"%.1f%%"%(100*len(scam)/len(rows)),"benign",len(ben),"hard-neg",len(hn))
print("context-only",len(ctx),"pure-benign convs",len(pure))
print("evasion",sum('evasion' in r['note'] for r in rows))
c=collections.Counter(l for r in scam for l in r['labels'])
for k in sorted(CATS): print(" ",k,c[k])
