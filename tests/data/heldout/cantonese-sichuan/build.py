#!/usr/bin/env python3
"""Build cantonese-sichuan.jsonl: written-Cantonese and Sichuan-dialect trading chat,
labeled for the scam detector's evaluation. Every message is written out below as data;
the output is deterministic (no randomness). Run: python3 build.py"""
import json
import os
from collections import Counter

OPP = "off_platform_payment"
OPC = "off_platform_contact"
DEP = "deposit_first"
ADDR = "address_change_after_payment"
ORD = "order_tampering"
REF = "fake_refund"
CRED = "credential_request"
LINK = "phishing_link"
PROOF = "fake_payment_proof"
IMP = "platform_impersonation"

# Each message: (speaker, lang, text, labels, note)
# lang: yue = Cantonese, sc = Sichuan dialect, cmn = Mandarin (only used for the stats)

CONVERSATIONS = [
    # c01 Xianyu second-hand iPhone, scam buyer (Cantonese)
    [
        ("buyer", "yue", "老板 部iPhone14仲有冇 幾多錢", [], "benign: availability and price question"),
        ("seller", "yue", "有 3600 冇拆冇修 電池88", [], "benign: seller describes the phone"),
        ("buyer", "yue", "我喺外地唔方便面交 你加我微信 我直接轉賬俾你", [OPC, OPP],
         "scam: moves chat to WeChat and offers a direct transfer off the platform"),
        ("seller", "yue", "唔加微信 你閒魚拍就得 有保障大家都放心", [],
         "hard-negative: refusal of WeChat, space instead of punctuation before the next clause"),
        ("buyer", "yue", "好啦 拍咗喇 你睇下", [], "benign: buyer says he placed the order"),
        ("buyer", "yue", "頭先付咗款 系統顯示凍結咗 要你寄咗出單號先解凍 你睇截圖", [PROOF],
         "scam: fake 'payment frozen' screenshot to get the phone shipped first"),
    ],
    # c02 Pinduoduo 腊肉, address change after payment (Sichuan)
    [
        ("buyer", "sc", "老板 你这腊肉是自家熏的噻", [], "benign: product question"),
        ("seller", "sc", "是嘞 柏树枝枝熏的 肥瘦三七开 巴适得很", [], "benign: seller answers"),
        ("buyer", "sc", "要得 拿两斤 现在拍", [], "benign: buyer will order"),
        ("system", "cmn", "买家已付款，订单待发货", [], "benign: platform payment notice"),
        ("buyer", "sc", "老板帮个忙 莫发订单上那个地址了 发到绵阳我表哥那儿 人名也换一哈 我私信你", [ADDR],
         "scam: context-only, recipient and address change asked after the payment shown in the previous turn"),
        ("seller", "sc", "付了款的单子我这边不得私下改地址 你要改就在订单里头申请", [],
         "hard-negative: seller refuses the private address change, points to the platform flow"),
    ],
    # c03 concert tickets, Cantonese buyer, Mandarin scam seller
    [
        ("buyer", "yue", "你好 陳奕迅廣州場內場飛仲有冇", [], "benign: ticket availability"),
        ("seller", "cmn", "有的亲 内场连座两张 先付30%定金锁票 晚了就没了", [DEP],
         "scam: deposit demanded before any order, with urgency"),
        ("buyer", "yue", "點解要先俾定金 直接閒魚落單唔得咩", [],
         "hard-negative: the targeted buyer doubts the deposit demand"),
        ("seller", "cmn", "闲鱼扣点太高了 加我vx 转我zfb就行 票当天给你", [OPC, OPP],
         "scam: WeChat contact and Alipay transfer off the platform; evasion (vx, zfb)"),
        ("buyer", "yue", "私下過數我唔做嘅 你唔肯走平台就算數", [],
         "hard-negative: refusal written after the phrase 私下過數"),
    ],
    # c04 Chengdu rental, viewing deposit (Sichuan)
    [
        ("buyer", "sc", "你好 玉林那个一室一厅还在租不", [], "benign: rental enquiry"),
        ("seller", "sc", "在嘞 问的人多得很 你要的话先转500看房押金 我给你留到起", [DEP],
         "scam: deposit before viewing, fake urgency"),
        ("buyer", "sc", "房子都没看到就交押金?哪个跟你交哦", [],
         "hard-negative: the renter doubts and refuses the deposit"),
        ("seller", "sc", "押金看了不租退你的噻 微信扫我这个码嘛 两分钟的事", [DEP, OPP],
         "scam: insists on the deposit, paid to a personal WeChat code"),
        ("buyer", "sc", "莫得门 看了房签了合同再说", [], "hard-negative: dialect refusal (莫得门)"),
    ],
    # c05 fake Taobao staff against a 凉茶 shop (Cantonese, traditional)
    [
        ("agent", "yue", "你好 我係淘寶官方客服 你店舖有商品涉嫌違規 需要繳納保證金 否則24小時內凍結", [IMP, DEP],
         "scam: poses as Taobao staff, threatens a freeze, demands a deposit"),
        ("seller", "yue", "我間涼茶舖一直正常營業 點解會違規?", [],
         "hard-negative: the targeted shop owner questions the claim"),
        ("agent", "yue", "請點擊以下鏈接核實店舖資料 tb-shop-verify.cc/hk", [IMP, LINK],
         "scam: fake staff pushes an outside link"),
        ("seller", "yue", "官方唔會發私人鏈接俾我 我自己上千牛睇 唔該", [],
         "hard-negative: refuses the link, checks in the official back-end"),
        ("agent", "yue", "逾期未處理將永久封店 請提供手機收到嘅登錄驗證碼", [IMP, CRED],
         "scam: threat plus request for the login verification code"),
    ],
    # c06 Xianyu Huawei, confirm-receipt-first (Sichuan)
    [
        ("buyer", "sc", "这个Mate50还在不 少点嘛", [], "benign: bargaining"),
        ("seller", "sc", "2300 最低了 你拍嘛 拍了先点确认收货 我马上发顺丰", [ORD],
         "scam: asks the buyer to confirm receipt before shipping"),
        ("buyer", "sc", "货都没收到就确认收货?锤子哦", [],
         "hard-negative: buyer refuses in dialect (锤子)"),
        ("seller", "sc", "我信誉好得很 你看我主页嘛 要不你微信直接转我 再少一百", [OPP],
         "scam: offers a discount for a direct WeChat transfer"),
        ("buyer", "sc", "不得 就走闲鱼 你不干我就不买了", [], "hard-negative: refusal (不得), stays on Xianyu"),
    ],
    # c07 fake compensation for a coat (Cantonese)
    [
        ("agent", "yue", "你好 你喺我哋店買嘅羊毛大褸 質檢話甲醛超標 公司會雙倍賠償俾你", [REF],
         "scam: unsolicited double-compensation lure"),
        ("buyer", "yue", "吓 真係?我上個月喺淘寶買嗰件?", [], "benign: buyer surprised"),
        ("agent", "yue", "係呀 麻煩你加理賠專員企業微信 佢會帶你操作", [REF, OPC],
         "scam: claim 'specialist' on WeChat"),
        ("buyer", "yue", "退款唔係喺訂單度申請就得咩 點解要加微信", [],
         "hard-negative: buyer doubts the off-platform refund"),
        ("agent", "yue", "訂單退款好慢 專員直接打錢俾你 你開個屏幕共享佢教你點撳", [REF, CRED],
         "scam: refund outside the platform plus screen sharing"),
        ("buyer", "yue", "屏幕共享?唔使喇 我自己搵淘寶客服問", [], "hard-negative: refuses screen sharing"),
    ],
    # c08 normal price change before payment, 火锅底料 (Sichuan buyer, Mandarin seller)
    [
        ("buyer", "sc", "老板 火锅底料拿五袋 少点噻", [], "benign: bargaining"),
        ("seller", "cmn", "可以的亲 你先拍下别付款 我给你改价", [],
         "hard-negative: normal flow, price changed before payment"),
        ("buyer", "sc", "要得 拍了哈", [], "benign: order placed"),
        ("seller", "cmn", "改好啦 五袋115 您刷新一下再付款", [], "hard-negative: price changed on the order before payment, normal flow"),
        ("buyer", "sc", "付了 记得发中通哈 我们这儿韵达慢得很", [], "benign: courier preference"),
    ],
    # c09 Switch, moved to WhatsApp, payment 'over here' (Cantonese, HK)
    [
        ("seller", "yue", "Switch OLED 九成新 配兩隻game 1500 有意私我", [], "benign: listing"),
        ("buyer", "yue", "有興趣 點交收?", [], "benign: how to trade"),
        ("seller", "yue", "你喺唔喺香港?加我WhatsApp傾 閒魚訊息我成日睇漏", [OPC],
         "scam: moves the chat to WhatsApp"),
        ("buyer", "yue", "加咗 我係阿Ken", [], "benign: buyer added the contact"),
        ("seller", "yue", "喺呢邊搞掂佢啦 1500入呢個數 收到即刻寄順豐", [OPP],
         "scam: context-only, payment 'over here' after the chat moved off the platform"),
        ("buyer", "yue", "等等 唔係講好閒魚落單咩 我返去閒魚拍", [],
         "hard-negative: buyer returns to the platform"),
    ],
    # c10 Jay Chou tickets, fake payment proof against the seller (Sichuan)
    [
        ("buyer", "sc", "你那两张周杰伦成都场的票 我要了", [], "benign: buyer wants tickets"),
        ("seller", "sc", "要得 闲鱼上拍嘛", [], "benign: seller points to the platform"),
        ("buyer", "sc", "我直接支付宝转你了 1760 截图发你了 你看嘛", [PROOF],
         "scam: claims a transfer with a screenshot instead of ordering"),
        ("seller", "sc", "我支付宝啥子都没收到 截图不算数哈", [],
         "hard-negative: seller rejects the screenshot"),
        ("buyer", "sc", "系统延迟噻 24小时到账 你先把票转给我嘛", [PROOF],
         "scam: 'system delay' story to get the tickets first"),
        ("seller", "sc", "钱到了再说 莫得钱不得转票", [], "hard-negative: dialect refusal"),
    ],
    # c11 HK rental, legitimate landlord (Cantonese, traditional)
    [
        ("buyer", "yue", "你好 荃灣嗰個兩房單位仲租唔租", [], "benign: rental enquiry"),
        ("seller", "yue", "仲租 今個禮拜六可以約睇樓", [], "benign: viewing offered"),
        ("buyer", "yue", "好 之前有個自稱業主嘅叫我未睇樓先過按金 嚇死我", [],
         "hard-negative: buyer's own past story of a deposit scam"),
        ("seller", "yue", "放心 我哋簽正式租約先收按金 唔會叫你私下先過數", [],
         "hard-negative: landlord states no deposit before the lease, no private transfer"),
    ],
    # c12 bulk 廿四味 order, overpayment (Mandarin scam buyer, Cantonese seller)
    [
        ("buyer", "cmn", "老板 你们廿四味凉茶我们公司要50箱", [], "benign: bulk enquiry"),
        ("seller", "yue", "得 你淘寶落單就得", [], "benign: seller points to an order"),
        ("buyer", "cmn", "我们走对公转账 已经打过去了 多打了3000 你退一下差价", [PROOF, OPP],
         "scam: claimed bank transfer and overpayment refund"),
        ("seller", "yue", "我冇收到過任何錢 要退都係淘寶度退 私下退差價唔會做", [],
         "hard-negative: refusal after the phrase 退差價"),
        ("buyer", "cmn", "财务急着对账 你先垫一下 转到这张卡 6222 0210 ****", [PROOF, OPP],
         "scam: pushes the 'difference' to a bank card"),
    ],
    # c13 Xianyu AirPods, 'account not enabled' + code (Sichuan)
    [
        ("buyer", "sc", "你这个AirPods Pro还在不 我要了", [], "benign: buyer interest"),
        ("buyer", "sc", "我拍了 系统说你莫开通诚信担保 钱卡在那儿 你点这个链接开通一哈", [LINK, PROOF],
         "scam: fake 'money stuck' claim plus an outside link"),
        ("seller", "sc", "闲鱼还有这种说法?我卖了好多东西从来没遇到过", [],
         "hard-negative: seller doubts the claim"),
        ("buyer", "sc", "真的 你把手机收到的验证码报给我 我帮你弄好", [CRED], "scam: asks for the SMS code"),
        ("seller", "sc", "验证码哪个都不得给 你爬开", [], "hard-negative: dialect refusal (爬开)"),
    ],
    # c14 phone shop after-sales, legitimate (Cantonese)
    [
        ("buyer", "yue", "部機收到 個mon有條花 點算好", [], "benign: defect report"),
        ("agent", "yue", "唔好意思 你喺訂單撳「申請售後」揀退貨退款 我哋即刻跟", [],
         "hard-negative: normal after-sales button flow"),
        ("buyer", "yue", "使唔使俾銀行卡號你退錢?", [], "hard-negative: buyer asks, nobody demands a card number"),
        ("agent", "yue", "唔使 錢原路退返 我哋唔會問你攞卡號同驗證碼", [],
         "hard-negative: shop says it never asks for card numbers or codes"),
        ("buyer", "yue", "好 唔該晒", [], "benign: thanks"),
    ],
    # c15 address change before payment (Sichuan)
    [
        ("buyer", "sc", "老板 我还没付款哈 地址填错了 改成武侯区那个", [],
         "hard-negative: address change before payment is a normal flow"),
        ("seller", "sc", "要得 你在下单页面改了再付就是", [], "hard-negative: address change on the order page before payment"),
        ("buyer", "sc", "改好了 付了 谢谢老板", [], "benign: paid"),
    ],
    # c16 Fujifilm camera, outside app (Cantonese)
    [
        ("buyer", "yue", "部富士X100V仲有冇", [], "benign: availability"),
        ("seller", "yue", "有 不過閒魚成日吞訊息 你下載「安心交易」APP 喺嗰度落單有擔保", [LINK, OPC],
         "scam: pushes an outside app and channel"),
        ("buyer", "yue", "咩APP嚟㗎 閒魚本身咪有擔保囉", [], "hard-negative: buyer doubts the app"),
        ("seller", "yue", "掃呢個二維碼就裝到 一分鐘搞掂", [LINK], "scam: QR code for the app"),
        ("buyer", "yue", "唔掃 有嘢就喺閒魚講", [],
         "hard-negative: refusal, space instead of punctuation before the next clause"),
    ],
    # c17 leaking 火锅底料, refund promised then moved off platform (Sichuan)
    [
        ("buyer", "sc", "老板 火锅底料漏油了 整得一箱子都是", [], "benign: complaint"),
        ("seller", "sc", "不好意思哈 给你全额退 再补二十块", [], "hard-negative: refund and compensation promised, nothing off-platform yet"),
        ("seller", "sc", "你把支付宝账号和真名发过来嘛 财务直接给你打过来 比平台退快", [REF],
         "scam: context-only, after the refund promise the refund is moved outside the platform"),
        ("buyer", "sc", "平台上退就行了 莫打 我在订单上申请", [],
         "hard-negative: buyer insists on the platform refund"),
    ],
    # c18 iPad, price agreed then 'transfer now' (Cantonese)
    [
        ("buyer", "yue", "部iPad Air 2800得唔得", [], "benign: bargaining"),
        ("seller", "yue", "2900 最低 包順豐", [], "benign: counter-offer"),
        ("buyer", "yue", "好啦 2900 成交", [], "benign: price agreed"),
        ("seller", "yue", "咁你而家過咗俾我先 收到即刻寄", [OPP],
         "scam: context-only, 'transfer it now' after the price was agreed in chat"),
        ("buyer", "yue", "過去邊?我喺閒魚拍 你改價咪得囉", [], "hard-negative: buyer stays on the platform"),
        ("seller", "yue", "閒魚抽佣喎 你直接轉數快啦 大家慳返啲", [OPP], "scam: FPS transfer off the platform"),
    ],
    # c19 recipient change after payment (Sichuan)
    [
        ("system", "cmn", "订单已付款，等待卖家发货", [], "benign: platform payment notice"),
        ("buyer", "sc", "老板 收件人换成我老汉 电话换成135 8xxx xxxx 地址不变哈", [ADDR],
         "scam: context-only, recipient and phone changed after payment"),
        ("seller", "sc", "付了款要改收件人 你在订单里点申请修改 我只认平台上的", [],
         "hard-negative: seller points to the platform's change request"),
        ("buyer", "sc", "莫那么麻烦嘛 你面单上手写改一哈就行了噻", [ADDR],
         "scam: context-only, pushes the private recipient change again"),
    ],
    # c20 platform warning, buyer question (Cantonese, traditional)
    [
        ("system", "yue", "【閒魚提醒】如有人要求你加微信、私下轉賬或者提供驗證碼，請立即停止交易並舉報", [],
         "hard-negative: platform warning notice"),
        ("buyer", "yue", "頭先有個賣家叫我加佢微信先傾價 係咪呃人㗎", [],
         "hard-negative: buyer asks whether a WeChat request is a scam"),
        ("agent", "yue", "好大機會係 唔好加 喺平台傾同落單就得", [], "hard-negative: agent warns"),
    ],
    # c21 phone number change after payment (Cantonese buyer, Mandarin seller)
    [
        ("buyer", "yue", "我落咗單 俾埋錢", [], "benign: buyer paid through the order"),
        ("seller", "cmn", "收到 今天下午发", [], "benign: seller confirms"),
        ("buyer", "yue", "聯絡電話換一個 填我朋友 159xxxx 佢會收", [ADDR],
         "scam: context-only, phone and recipient changed after payment"),
        ("seller", "cmn", "已付款订单要改信息请走平台的修改申请哦", [],
         "hard-negative: seller points to the platform flow"),
    ],
    # c22 Jacky Cheung tickets, price agreed then transfer, then red packet (Sichuan)
    [
        ("buyer", "sc", "张学友重庆场的看台票 两张好多钱", [], "benign: price question"),
        ("seller", "sc", "两张1980 原价出", [], "benign: price"),
        ("buyer", "sc", "要得 就这个价", [], "benign: price agreed"),
        ("seller", "sc", "那你现在转过来嘛 我马上把电子票发你", [OPP],
         "scam: context-only, 'transfer now' after the price was agreed in chat"),
        ("buyer", "sc", "转哪儿哦 你在闲鱼上挂个链接我拍", [], "hard-negative: buyer asks for a platform listing"),
        ("seller", "sc", "挂链接要审核 慢得很 发个红包也得", [OPP], "scam: red packet payment off the platform"),
        ("buyer", "sc", "红包也不得 莫得链接我就不买了", [], "hard-negative: dialect refusal"),
    ],
    # c23 parcel marked delivered, refund link (Cantonese)
    [
        ("buyer", "yue", "我個件顯示簽收咗 但係我冇收到", [], "benign: delivery problem"),
        ("seller", "yue", "唔好意思 我哋幫你補寄或者退款 你揀", [], "hard-negative: refund offered, nothing off-platform yet"),
        ("buyer", "yue", "退款啦", [], "benign: buyer picks refund"),
        ("seller", "yue", "好 你撳我send嘅呢個連結 填埋收款資料就得", [REF, LINK],
         "scam: context-only for the refund part, refund step moved to an outside link"),
        ("buyer", "yue", "點解唔喺淘寶直接退 我唔撳", [], "hard-negative: buyer doubts and refuses the link"),
    ],
]

SINGLES = [
    # ---- off_platform_payment
    ("seller", "yue", "唔經閒魚嘅話平200 直接轉數快俾我就得", [OPP], "scam: discount for an FPS transfer off Xianyu"),
    ("seller", "sc", "走平台要扣钱 你直接微信转我嘛 要得不?", [OPP], "scam: suggestion phrased as a question, WeChat transfer"),
    ("seller", "yue", "呢部機我只收現金或者銀行過數 唔好喺度拍 手續費好貴", [OPP], "scam: cash or bank transfer only, not the platform"),
    ("seller", "sc", "扫我这个收款码嘛 付了马上发 腊肉今天才下杆杆", [OPP], "scam: personal payment code"),
    ("seller", "cmn", "亲 大单走银行卡吧 对公账户 开票方便", [OPP], "scam: bank-card payment outside the order"),
    ("seller", "yue", "我哋唔收淘寶單 要訂就直接入數去中銀戶口", [OPP], "scam: refuses Taobao orders, bank deposit"),
    ("seller", "sc", "zfb转我 今天就发 闲鱼上莫拍了", [OPP], "scam: Alipay transfer instead of ordering; evasion (zfb)"),
    ("seller", "yue", "可唔可以 私 下 交 易 我平啲俾你", [OPP], "scam: private trade; evasion (spaces inside the word)"),
    ("seller", "sc", "门票线下交易 春熙路见面 钱先微信过来我才出门", [OPP], "scam: offline deal with money first over WeChat"),
    ("seller", "yue", "演唱會飛唔放平台 PayMe過數 截圖俾我即刻send電子飛", [OPP], "scam: PayMe transfer off the platform"),
    ("seller", "sc", "直接➕V转我就得 平台扣点太凶了", [OPP, OPC], "scam: WeChat transfer; evasion (➕V)"),
    ("buyer", "yue", "老闆 我唔用淘寶付 用支付寶掃你個人碼得唔得 平台收我手續費", [OPP], "scam: buyer proposes paying to a personal code"),
    ("seller", "cmn", "走微信 给你少20 平台那边我就不挂了", [OPP], "scam: WeChat payment instead of a listing"),
    ("seller", "sc", "莫在平台拍了 你直接给我转账 打个折给你 微 信 号我发你", [OPP, OPC], "scam: direct transfer plus WeChat id; evasion (spaces inside the word)"),
    ("seller", "yue", "租金同按金過去呢個戶口 鎖匙我寄俾你 唔使睇樓", [OPP, DEP], "scam: rent and deposit to a private account, no viewing"),
    ("seller", "sc", "你莫在拼多多下单 多多要压款 直接把钱打到我卡上 卡号我发你", [OPP], "scam: bank-card transfer instead of a Pinduoduo order"),
    # ---- off_platform_contact
    ("seller", "yue", "有興趣加我wechat傾 喺度打字唔方便", [OPC], "scam: moves to WeChat"),
    ("seller", "sc", "方便留个薇不 这边回得慢", [OPC], "scam: question asking for WeChat; evasion (薇)"),
    ("seller", "yue", "加我 威 信 啦 多啲實拍圖睇", [OPC], "scam: WeChat; evasion (威信 homophone, spaces)"),
    ("seller", "sc", "加个Q嘛 我发实拍视频给你看", [OPC], "scam: moves to QQ"),
    ("seller", "cmn", "亲 平台限制发图 麻烦加一下 vx：tb8866", [OPC], "scam: WeChat id; evasion (vx)"),
    ("seller", "yue", "打我電話啦 138 2255 6677 講快啲", [OPC], "scam: phone number to move the chat"),
    ("seller", "sc", "你来抖音私信我嘛 那边货多些", [OPC], "scam: moves to Douyin"),
    ("seller", "yue", "去小紅書搵我 呢度我唔常上", [OPC], "scam: moves to Xiaohongshu"),
    ("seller", "sc", "加ｗｘ：ｃｄ１９８８ 腊肠可以先尝", [OPC], "scam: WeChat id; evasion (full-width letters)"),
    ("seller", "yue", "WhatsApp 聯絡 6123 4567 唔好喺淘寶問", [OPC], "scam: WhatsApp number, away from Taobao"),
    ("seller", "sc", "留个电话嘛 我打给你说 比打字撇脱", [OPC], "scam: asks for a phone number to leave the chat"),
    ("seller", "yue", "你想睇多啲款 我拉你入個微信群 新貨喺群入面先出", [OPC], "scam: WeChat group"),
    ("seller", "cmn", "后台消息看不全 您+我企鹅 526xxxx", [OPC], "scam: QQ; evasion (企鹅, +)"),
    ("seller", "sc", "淘宝上说不清楚 我们去闲鱼聊嘛 那边价钱好商量", [OPC], "scam: moves the chat to another platform"),
    # ---- deposit_first
    ("seller", "yue", "要留貨就先俾三百蚊訂金 唔係唔留", [DEP], "scam: deposit before any order"),
    ("seller", "sc", "看房先交500押金 不交不带看", [DEP], "scam: viewing deposit"),
    ("seller", "cmn", "抢票成功需要先付200元手续费 失败全退", [DEP], "scam: ticket-grabbing fee up front"),
    ("agent", "yue", "你帳戶而家凍結咗 要先交解凍費880先可以提現", [DEP], "scam: unfreezing fee"),
    ("seller", "sc", "定金先转过来 dingjin两百 转了才给你留", [DEP], "scam: deposit first; evasion (dingjin)"),
    ("seller", "yue", "保證金一千 交咗即刻安排出貨", [DEP], "scam: security deposit before shipping"),
    ("buyer", "sc", "你是新号 收款要先交个激活费 交了系统才放款", [DEP], "scam: activation fee demanded from the seller"),
    ("seller", "yue", "睇樓要先交誠意金兩千 睇完唔租退返", [DEP], "scam: 'sincerity money' before viewing"),
    ("seller", "sc", "代购要先交一半 货到了再补尾款 微信转就行", [DEP, OPP], "scam: half up front over WeChat"),
    ("seller", "cmn", "先交99元会员费才能看房东电话", [DEP], "scam: membership fee before a rental contact"),
    ("seller", "yue", "門票要鎖位 先付手續費150 唔係排唔到", [DEP], "scam: seat-locking fee"),
    ("seller", "sc", "批发价要先交个保证金嘛 三千 跑单了我们也莫得办法", [DEP], "scam: wholesale deposit"),
    ("seller", "sc", "老子这票是真的 你先给二百定金 到了现场再给剩下的", [DEP], "scam: ticket deposit before any order"),
    # ---- address_change_after_payment
    ("buyer", "yue", "已經付咗款 麻煩幫我改個地址 寄去深圳福田嗰個", [ADDR], "scam: address change after payment"),
    ("buyer", "sc", "钱付了哈 地址换一哈 发到我朋友那儿", [ADDR], "scam: address change after payment"),
    ("buyer", "cmn", "付完款了 收件人改成张先生 电话也换一下", [ADDR], "scam: recipient change after payment"),
    ("buyer", "yue", "單已經埋咗 可唔可以寄去另一個地址 唔使跟訂單嗰個", [ADDR], "scam: different address after paying"),
    ("buyer", "sc", "已经付款了的 莫按订单上的发 发到这个 我私信你", [ADDR], "scam: off-order address after payment"),
    ("buyer", "yue", "錢已經畀咗 收件人改做我同事 電話我等陣話你知", [ADDR], "scam: recipient change after payment"),
    ("buyer", "sc", "付了款了 帮我把收货人改成王二娃 电话177xxxx", [ADDR], "scam: recipient and phone change after payment"),
    ("buyer", "cmn", "我刚付款 麻烦发到另一个地址 订单上那个不用管", [ADDR], "scam: another address after payment"),
    ("buyer", "yue", "付咗錢啦 你幫我改送去澳門 訂單個地址唔啱", [ADDR], "scam: address change after payment"),
    ("buyer", "sc", "我付了款的 快递上的电话改成我同事的嘛 他在楼下收", [ADDR], "scam: phone and recipient change after payment"),
    # ---- order_tampering
    ("seller", "yue", "你先撳確認收貨 我即刻寄", [ORD], "scam: confirm receipt before shipping"),
    ("seller", "sc", "你拍下然后申请退款 我线下退你现金", [ORD, OPP], "scam: order then refund, settle offline"),
    ("buyer", "yue", "改成貨到付款啦 到時現金俾我 唔使經淘寶", [ORD, OPP], "scam: cash on delivery settled privately"),
    ("seller", "sc", "订单价格你莫管 拍个一块钱的链接 剩下的私下给", [ORD, OPP], "scam: one-yuan order, rest paid privately"),
    ("seller", "cmn", "麻烦先把订单点成已收货 我这边好结算 马上发", [ORD], "scam: confirm receipt first"),
    ("seller", "yue", "你拍完取消咗佢 我哋私下再執數", [ORD, OPP], "scam: cancel the order and settle privately"),
    ("seller", "sc", "先点确认收货嘛 我这边才看得到钱 货马上发", [ORD], "scam: suggestion to confirm receipt first"),
    ("seller", "yue", "落單嗰陣揀「其他付款方式」 之後我哋私下對數", [ORD, OPP], "scam: payment method changed to a private settlement"),
    ("seller", "sc", "你把订单改成自提嘛 我们私下面交 钱当面给", [ORD, OPP], "scam: order switched to pickup, paid privately"),
    ("seller", "cmn", "拍下后先别管物流 直接点确认 运费我退你", [ORD], "scam: confirm receipt regardless of shipping"),
    ("seller", "sc", "你先确认收货嘛 好评返现二十 货明天就到", [ORD], "scam: confirm receipt before delivery for a cashback"),
    # ---- fake_refund
    ("agent", "cmn", "您好 您购买的腊肉批次检测不合格 我们将为您办理三倍赔偿", [REF], "scam: unsolicited triple compensation"),
    ("agent", "yue", "你好 我係快遞理賠專員 你個件遺失咗 我哋賠返俾你", [REF], "scam: courier 'claims specialist'"),
    ("agent", "sc", "你那个退款卡起了 要你配合操作一哈才退得出来", [REF], "scam: refund 'stuck', needs cooperation"),
    ("agent", "yue", "退款要先開通退款通道 撳呢條連結就得", [REF, LINK], "scam: refund channel via link"),
    ("agent", "cmn", "亲 退款链接发您了 填写银行卡信息即可到账", [REF, LINK, CRED], "scam: refund link asking for card details"),
    ("agent", "sc", "你那单快递遭弄丢了 我们双倍赔 加一哈理赔群", [REF, OPC], "scam: double compensation in a group"),
    ("agent", "yue", "你想退款嘅話 我教你喺支付寶「備用金」度操作 退返俾你", [REF], "scam: refund via Alipay credit feature"),
    ("agent", "sc", "你买的凉茶有质量问题 我们主动退款 你微信上收一哈", [REF, OPP], "scam: unsolicited refund paid over WeChat"),
    ("agent", "yue", "閣下嘅訂單因系統錯誤重複扣款 請聯絡退款專員 0755-2368xxxx", [REF, OPC], "scam: duplicate-charge refund via phone"),
    ("seller", "sc", "你衣服起球了嘛 不用退货 我直接赔你五十 扫这个码领", [REF, LINK], "scam: compensation via QR code"),
    ("agent", "cmn", "您的快递包裹破损 理赔款需要您先验证收款账户", [REF, CRED], "scam: claim needs account verification"),
    ("agent", "yue", "你張演唱會飛因為延期可以全額退款 加我哋客服QQ辦理", [REF, OPC], "scam: ticket refund via QQ"),
    # ---- credential_request
    ("buyer", "yue", "收到個驗證碼冇 讀俾我聽吓", [CRED], "scam: asks for the SMS code"),
    ("seller", "sc", "你把身份证正反面拍给我嘛 我帮你认证", [CRED], "scam: ID card photos"),
    ("agent", "yue", "銀行卡號同有效期發俾我 我幫你退", [CRED, REF], "scam: card number and expiry for a 'refund'"),
    ("agent", "sc", "开一哈屏幕共享嘛 我看你是啥子问题", [CRED], "scam: screen sharing"),
    ("agent", "cmn", "请提供支付宝支付密码 以便核验身份", [CRED], "scam: payment password"),
    ("agent", "yue", "請提供身份證號碼同手機收到嘅六位數字", [CRED], "scam: ID number and SMS code"),
    ("buyer", "sc", "验 证 码 发一哈 系统要核对", [CRED], "scam: SMS code; evasion (spaces inside the word)"),
    ("buyer", "yue", "你閒魚賬號同密碼俾我 我幫你搞掂認證", [CRED], "scam: account password"),
    ("buyer", "sc", "短信里头那个码 念给我嘛 就六个数字", [CRED], "scam: SMS code without naming it"),
    ("agent", "cmn", "请开启屏幕共享 配合客服完成退款操作", [CRED, REF], "scam: screen sharing for a refund"),
    ("agent", "yue", "你張卡後面三個數字係咩 核對一下啫", [CRED], "scam: card security code"),
    ("buyer", "sc", "把你淘宝账号密码给我嘛 我帮你刷信誉 包你上首页", [CRED], "scam: account password for 'ranking'"),
    # ---- phishing_link
    ("seller", "yue", "撳呢條link落單 平過淘寶 https://tb-sale.vip/a8", [LINK], "scam: ordering link outside Taobao"),
    ("seller", "sc", "扫这个二维码进群 火锅底料内部价", [LINK], "scam: QR code into a group"),
    ("seller", "cmn", "下载这个APP 抢票成功率高 链接给你", [LINK], "scam: outside ticket app"),
    ("seller", "yue", "呢個網址填資料就攞到演唱會飛 www.concert-hk.top", [LINK], "scam: outside ticket site"),
    ("agent", "sc", "点这个链接领补偿 xianyu-pay.cn/refund", [LINK, REF], "scam: compensation link"),
    ("seller", "yue", "掃碼入嚟睇多啲貨 👉[二維碼]", [LINK], "scam: QR code outside the platform"),
    ("seller", "sc", "下个“闲鱼担保”app嘛 我们在那上面交易 安全些", [LINK], "scam: fake escrow app"),
    ("agent", "cmn", "点击 t.cn/8Kx2 完成实名认证 否则无法发货", [LINK], "scam: short link for 'verification'"),
    ("seller", "yue", "喺呢度落單有折 👉 taobao-hk.shop 同淘寶一樣", [LINK], "scam: look-alike domain"),
    ("seller", "sc", "这是我们店的小程序码 扫了下单便宜好多", [LINK], "scam: outside mini-program QR code"),
    ("seller", "yue", "下載個「安全付」APP 我哋用嗰個交收", [LINK], "scam: outside payment app"),
    # ---- fake_payment_proof
    ("buyer", "yue", "已經過咗數 你睇截圖 快啲寄啦", [PROOF], "scam: screenshot as payment proof"),
    ("buyer", "sc", "钱我转了的 截图在这儿 你那边系统延迟", [PROOF], "scam: screenshot plus 'system delay'"),
    ("buyer", "cmn", "不好意思 多转了500 麻烦退我一下", [PROOF], "scam: overpayment refund"),
    ("buyer", "yue", "銀行話要24小時先到賬 你先寄啦 張收據喺度", [PROOF], "scam: delayed arrival, ship first"),
    ("buyer", "sc", "我拍的1200 多付了800 你退我微信嘛", [PROOF, OPP], "scam: overpayment returned over WeChat"),
    ("buyer", "yue", "你收到閒魚通知未 佢話錢凍結咗 要你升級賬戶先收得到", [PROOF], "scam: fake 'payment frozen' notice"),
    ("buyer", "sc", "我这边显示付款成功了 你刷新一哈 先发货嘛", [PROOF], "scam: claims payment shown as successful"),
    ("buyer", "cmn", "我已付款 你看这个转账记录 银行处理中", [PROOF], "scam: transfer record as proof"),
    ("buyer", "yue", "我已經轉咗2000入你戶口 多轉咗500 麻煩退返差額", [PROOF], "scam: overpayment refund"),
    ("buyer", "sc", "你看短信嘛 到账提醒都来了 货赶紧发", [PROOF], "scam: fake arrival SMS"),
    # ---- platform_impersonation
    ("agent", "cmn", "【淘宝客服】您的店铺涉嫌违规 将于今日18点冻结", [IMP], "scam: fake Taobao freeze notice"),
    ("agent", "yue", "我係閒魚官方客服 你嘅賬戶異常 需要配合核實", [IMP], "scam: fake Xianyu staff"),
    ("agent", "sc", "我是拼多多工作人员哈 你店铺保证金不够 要补交", [IMP, DEP], "scam: fake Pinduoduo staff demands deposit"),
    ("agent", "yue", "淘寶安全中心：閣下帳號已被凍結 請即聯絡客服", [IMP], "scam: fake security centre"),
    ("agent", "sc", "闲鱼官方通知 你商品遭投诉了 不处理就封号 加客服微信", [IMP, OPC], "scam: fake notice with WeChat contact"),
    ("agent", "cmn", "我是支付宝客服 您的账户存在风险 需要配合操作", [IMP], "scam: fake Alipay staff"),
    ("agent", "yue", "淘寶客服通知 你開通咗會員自動扣費 唔取消每月扣500", [IMP], "scam: fake membership-charge call"),
    ("agent", "sc", "我们是拼多多官方 你中了免单 点链接领", [IMP, LINK], "scam: fake prize with a link"),
    ("agent", "yue", "閒魚官方話你違反交易規則 要交2000保證金先解封", [IMP, DEP], "scam: fake ban with deposit"),
    ("agent", "sc", "我是淘宝小二 你这店要升级旗舰 不升级就限流 交个服务费嘛", [IMP, DEP], "scam: fake staff upgrade fee"),
    ("agent", "cmn", "抖店官方审核员 您的资质过期 请扫码补交材料", [IMP, LINK], "scam: fake reviewer with QR code"),
    ("agent", "yue", "我哋係拼多多售後 你件貨有問題要賠償 麻煩喺呢度登記銀行卡號", [IMP, REF, CRED], "scam: fake after-sales staff, compensation needs card number"),

    # ---- hard negatives: refusal written after the scam phrase
    ("buyer", "yue", "按金呢啲嘢 未睇樓我係唔會俾㗎", [], "hard-negative: refusal after 按金"),
    ("buyer", "sc", "押金?莫得门 老子一分都不得交", [], "hard-negative: refusal after 押金"),
    ("buyer", "yue", "私下過數我唔會做 你想賣就喺閒魚", [], "hard-negative: refusal after 私下過數"),
    ("buyer", "sc", "私下转账我不得干 要买就拍", [], "hard-negative: refusal after 私下转账"),
    ("buyer", "yue", "驗證碼我唔會畀任何人 你唔使再問", [], "hard-negative: refusal after 驗證碼"),
    ("buyer", "sc", "先确认收货再发货?想都莫想", [], "hard-negative: refusal after the confirm-first phrase"),
    ("seller", "yue", "改地址要喺訂單度改 私下寄第二個地址我唔會做", [], "hard-negative: seller refuses a private address change"),
    ("buyer", "sc", "定金?不付 要买就拍 不拍拉倒", [], "hard-negative: refusal after 定金"),
    # ---- hard negatives: questions doubting the demand
    ("buyer", "yue", "平台有冇話要買家先俾訂金㗎?", [], "hard-negative: doubting question"),
    ("seller", "sc", "闲鱼还要交啥子保证金?你莫哄我哦", [], "hard-negative: doubting question"),
    ("buyer", "yue", "點解退款要我開屏幕共享?", [], "hard-negative: doubting question"),
    ("seller", "sc", "淘宝官方客服会加人微信?我咋个不晓得喃", [], "hard-negative: doubting question"),
    ("buyer", "cmn", "为什么非要我下载别的APP?平台上不能买吗", [], "hard-negative: doubting question"),
    ("buyer", "sc", "为啥子要我先点确认收货 货都没看到", [], "hard-negative: doubting question"),
    ("buyer", "yue", "睇樓都要收錢?有冇搞錯", [], "hard-negative: doubting question"),
    # ---- hard negatives: third-person stories
    ("buyer", "yue", "我阿妹上個禮拜喺閒魚賣手機 個買家話要佢交保證金先收到錢 好彩佢冇俾", [], "hard-negative: sister's story, ends well"),
    ("buyer", "sc", "我表姐遭了 有人冒充快递理赔 喊她开屏幕共享 卡上的钱全莫得了", [], "hard-negative: cousin's story, ends badly"),
    ("seller", "yue", "我同事話有人扮淘寶客服話佢間舖要凍結 佢直接打去官方問 原來係假嘢", [], "hard-negative: colleague's story, ends well"),
    ("buyer", "sc", "我老汉差点着骗 对方说腊肉有问题要双倍赔 我喊他莫理 后来啥子事都没得", [], "hard-negative: father's story, ends well"),
    ("buyer", "yue", "朋友買演唱會飛 個賣家叫佢加微信轉賬 佢堅持喺平台落單 最後都係收到飛", [], "hard-negative: friend's story, ends well"),
    ("buyer", "sc", "隔壁王嬢买火锅底料 卖家喊她扫码付款 她硬是不扫 在拼多多上买的 好得很", [], "hard-negative: neighbour's story, ends well"),
    ("buyer", "cmn", "听说有人租房先交了两千看房押金 然后房东就把他拉黑了", [], "hard-negative: third-person story, ends badly"),
    ("seller", "yue", "我舅父之前畀人呃過 對方話多轉咗錢要退差價 其實根本冇入過數", [], "hard-negative: uncle's story of an overpayment scam"),
    # ---- hard negatives: notices
    ("agent", "yue", "【店舖提示】如有人自稱本店客服要求你加微信或者提供驗證碼 請即刻收線", [], "hard-negative: shop notice"),
    ("system", "cmn", "闲鱼提醒：任何要求先付保证金、激活费的都是诈骗", [], "hard-negative: platform notice"),
    ("agent", "sc", "我们店不得喊你私下转账哈 哪个这么说你直接挂了", [], "hard-negative: shop notice in dialect"),
    ("agent", "yue", "本店唔會打電話叫你退款 收到咁嘅電話即刻收線報警", [], "hard-negative: shop notice"),
    ("system", "cmn", "平台不会要求您先付定金，谨防诈骗", [], "hard-negative: platform notice"),
    ("agent", "sc", "提醒一哈 退款只在订单里头申请 哪个喊你点链接都莫点", [], "hard-negative: shop notice in dialect"),
    ("agent", "yue", "溫馨提示：本店演唱會門票只經淘寶發售 任何私人過數要求都係詐騙", [], "hard-negative: shop notice"),
    # ---- hard negatives: refusal then next clause with only a space or line break
    ("buyer", "yue", "唔俾訂金 你想賣就喺閒魚度拍", [], "hard-negative: refusal, space instead of punctuation"),
    ("buyer", "sc", "不得加微信 有啥子就在这儿说", [], "hard-negative: refusal, space instead of punctuation"),
    ("buyer", "yue", "唔會過數俾你\n喺淘寶落單啦", [], "hard-negative: refusal, line break instead of punctuation"),
    ("buyer", "sc", "莫要给我发链接\n我只在拼多多上买", [], "hard-negative: refusal, line break instead of punctuation"),
    ("buyer", "yue", "冇可能先確認收貨 寄到先講", [], "hard-negative: refusal, space instead of punctuation"),
    ("seller", "sc", "验证码不得给 你要问就问平台客服", [], "hard-negative: refusal, space instead of punctuation"),
    ("buyer", "yue", "咪搞我 唔會開屏幕共享 有嘢喺訂單度申請售後", [], "hard-negative: refusal, spaces instead of punctuation"),
    # ---- hard negatives: normal platform flows
    ("seller", "yue", "呢款係預售 落單付訂金 尾款到時喺訂單度補就得", [], "hard-negative: presale deposit paid through the order"),
    ("seller", "sc", "拍下莫付款哈 我给你改个价 包邮", [], "hard-negative: price change before payment"),
    ("buyer", "yue", "請問埋單可唔可以用微信支付?", [], "hard-negative: asks about WeChat Pay at checkout"),
    ("buyer", "sc", "我还没付款 收货地址改一哈 改成双流那个", [], "hard-negative: address change before payment"),
    ("buyer", "yue", "我喺訂單度申請咗退款 麻煩處理吓", [], "hard-negative: refund through the after-sales button"),
    ("agent", "sc", "退款已经同意了哈 原路退回 两三天到", [], "hard-negative: platform refund approved"),
    # ---- plain benign
    ("buyer", "yue", "件衫有冇M碼 我平時著S", [], "benign: size question"),
    ("buyer", "sc", "腊肉咸不咸哦 我老汉血压高", [], "benign: product question"),
    ("buyer", "yue", "幾時寄出?聽日收唔收到", [], "benign: shipping question"),
    ("buyer", "sc", "收到了 巴适得很 好评哈", [], "benign: feedback"),
    ("buyer", "yue", "部機有冇保養?單據仲喺唔喺度", [], "benign: warranty question"),
    ("buyer", "sc", "门票是电子票还是纸质票嘛", [], "benign: ticket question"),
]

ALLOWED = {OPP, OPC, DEP, ADDR, ORD, REF, CRED, LINK, PROOF, IMP}


def records():
    out = []
    for ci, conv in enumerate(CONVERSATIONS, start=1):
        cid = "cs-c%02d" % ci
        for mi, (speaker, lang, text, labels, note) in enumerate(conv, start=1):
            out.append((lang, {"id": "%s-m%d" % (cid, mi), "conversation": cid, "speaker": speaker,
                               "text": text, "labels": list(labels), "note": note}))
    for si, (speaker, lang, text, labels, note) in enumerate(SINGLES, start=1):
        out.append((lang, {"id": "cs-%03d" % si, "speaker": speaker, "text": text,
                           "labels": list(labels), "note": note}))
    return out


def main():
    recs = records()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "whole.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for _, r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # stats
    langs = Counter(l for l, _ in recs)
    scams = sum(1 for _, r in recs if r["labels"])
    hard = sum(1 for _, r in recs if r["note"].startswith("hard-negative:"))
    conv = sum(1 for _, r in recs if "conversation" in r)
    ctx = sum(1 for _, r in recs if "context-only" in r["note"])
    cats = Counter(c for _, r in recs for c in r["labels"])
    print("messages", len(recs), "scam", scams, "benign", len(recs) - scams, "hard-negative", hard)
    print("conversations", len(CONVERSATIONS), "conversation messages", conv, "context-only", ctx)
    print("languages", dict(langs))
    print("categories", dict(sorted(cats.items())))


if __name__ == "__main__":
    main()
