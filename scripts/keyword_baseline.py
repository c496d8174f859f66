#!/usr/bin/env python3
"""The sensitive-word baseline: substring match of TAXONOMY.md's example phrases.

Usage: python3 scripts/keyword_baseline.py FILE.jsonl...   (labeled files, EVAL-FORMAT.md)
Prints recall and false-positive rate with the same scoring as `scamscan eval`, so the two
can be compared side by side (README, "Quality").
"""
import json
import sys

PHRASES = """私下交易, 直接转账给我, 不走淘宝, 微信转我, 扫我的收款码, 线下交易, 加我微信, 加V, vx, 留个QQ,
打我电话, 去闲鱼聊, 先付定金, 先交押金, 先转保证金, 手续费, 解冻费, 激活费, 已付款 帮我改下地址,
付完款了 收货地址换一下, 发到另一个地址, 先确认收货再发货, 改成货到付款私下结, 拍下后申请退款我线下退你,
退款需要你配合操作, 双倍赔偿, 理赔专员, 退款链接, 验证码发我, 支付密码, 银行卡号, 屏幕共享, 点击这个链接,
扫这个二维码, 下载这个APP, 我已付款 你看截图, 多转了 退我差价, 系统延迟到账, 我是淘宝官方客服,
店铺违规将被冻结, 缴纳保证金解冻"""
KEYWORDS = [k.strip().lower() for k in PHRASES.replace("\n", " ").split(",") if k.strip()]

for path in sys.argv[1:]:
    caught = scams = fps = benign = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            hit = any(k in r["text"].lower() for k in KEYWORDS)
            if r["labels"]:
                scams += 1
                caught += hit
            else:
                benign += 1
                fps += hit
    print(f"{path}: recall {caught / scams:.3f} ({caught}/{scams}), "
          f"false-positive rate {fps / benign:.3f} ({fps}/{benign})")
