#!/usr/bin/env python3
"""Build conversation-context.jsonl: conversations whose scam turns mostly only
show through earlier turns. Deterministic: no randomness. Run: python3 build.py"""
import json
import os

CAT = {
    "P": "off_platform_payment",
    "C": "off_platform_contact",
    "D": "deposit_first",
    "A": "address_change_after_payment",
    "T": "order_tampering",
    "R": "fake_refund",
    "K": "credential_request",
    "L": "phishing_link",
    "F": "fake_payment_proof",
    "I": "platform_impersonation",
}

# Each conversation: list of (speaker, text, label codes, note).
# "CO" in a note is expanded to "context-only" (every such turn is one whose
# scam only shows through an earlier turn of the same conversation).

SCAM = [
    # S1 Taobao hoodie, company address after payment
    [
        ("system", "买家已付款，请尽快发货", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "老板 东西别寄家里了 寄我公司那边吧", "A", "scam: CO, after the payment notice asks to ship elsewhere, indirect wording"),
        ("buyer", "张江那块 碧波路 前台签收就行 名字等下发你", "A", "scam: CO, supplies the new address after payment"),
        ("seller", "亲 聊天里给的地址我们不认哈 要改请在订单里提交修改", "", "hard-negative: seller refuses and points to the platform's modify-address flow"),
        ("buyer", "订单里改还得等审核 太慢 你直接改个面单不就完了", "A", "scam: CO, pushes to bypass the order flow after payment"),
    ],
    # S2 Xianyu iPhone, moved to WeChat, scan over there
    [
        ("seller", "在 88 没拆修 鱼上消息老延迟 方便加个薇不 lz8823", "C", "scam: moves the chat to WeChat phrased as a suggestion, evasion (薇, 鱼)"),
        ("seller", "视频发你了 2450 你那头扫一下我发的那个 扫完我就寄", "P", "scam: CO, after the move to WeChat asks to scan 'the thing I sent over there'"),
        ("buyer", "为啥不在闲鱼拍 我只走平台", "", "hard-negative: targeted buyer questions it and insists on the platform"),
        ("seller", "走鱼要扣我服务费 你拍了我也不发", "P", "scam: refuses the platform order to force payment elsewhere"),
        ("seller", "真想要就回那边 扫了我立马寄 今天就能发出", "P", "scam: CO, sends the buyer back to WeChat to pay"),
    ],
    # S3 rental Wangjing, deposit before viewing, then "send it now"
    [
        ("seller", "望京一居 4200 押一付三 我人在外地 想看的话先交500锁房", "D", "scam: lock-in deposit demanded before any viewing"),
        ("buyer", "没看房就交钱 我不太放心", "", "hard-negative: doubts the deposit demand"),
        ("seller", "那4000给你 就这么定了", "", "benign: on its own, a price concession"),
        ("seller", "定了就现在打过来 钥匙我放物业那", "PD", "scam: CO, after the price is agreed in chat asks for the money now, no channel named"),
        ("seller", "晚了我就给下一个看房的了 你自己掂量", "D", "scam: CO, pressure to pay the lock-in money"),
    ],
    # S4 food delivery spilled soup, refund steps off the app
    [
        ("buyer", "汤洒了一袋子 咋整", "", "benign: complaint"),
        ("seller", "实在抱歉 给您全退 再补20块", "", "hard-negative: on its own a normal apology and refund promise"),
        ("seller", "这单系统退不了 您配合一下操作 我一步一步带您", "R", "scam: CO, after the promise the 'cooperate with the steps' refund lure"),
        ("seller", "先打开支付宝 首页搜备用金 点进去跟我说看到啥", "R", "scam: CO, steers the victim into a credit product as the refund step"),
        ("buyer", "美团上点申请退款不就完了 支付宝跟这有啥关系", "", "hard-negative: targeted side doubts the off-app refund"),
        ("seller", "美团那边审核要七天 我这是快速通道 您照做就行", "R", "scam: CO, keeps the victim on the off-app refund path"),
    ],
    # S5 Xianyu Switch, buyer claims to have paid
    [
        ("buyer", "switch带两张卡 1500我拍了", "", "benign: on its own, buyer says they ordered"),
        ("buyer", "付过了呀 你那边显示慢 先寄吧 晚点余额里就有", "F", "scam: CO, claims a payment the seller cannot see, 'check your balance later'"),
        ("seller", "没到账不发", "", "hard-negative: refusal"),
        ("buyer", "钱在平台那压着 你不填单号它不放给你的", "F", "scam: CO, 'the money is held until you ship'"),
        ("buyer", "再拖我就申请介入 说你收钱不发货", "F", "scam: CO, threat to force shipping without any payment"),
    ],
    # S6 Taobao earphones, pinyin initials after payment
    [
        ("system", "订单状态：买家已付款", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "dz改一下 不是原来那个了", "A", "scam: CO, address change after payment in pinyin initials, evasion"),
        ("buyer", "sjr也换 写王姐 dh139开头 晚点发全", "A", "scam: CO, recipient and phone changed in initials after payment, evasion"),
        ("seller", "您是说地址收件人电话都换？这得您在订单里申请", "", "hard-negative: seller questions it and points to the platform flow"),
        ("buyer", "不用那么麻烦 你把我发的复制了贴面单上", "A", "scam: CO, asks to bypass the order and relabel the parcel"),
        ("buyer", "dz dh都私你了 照那个贴 别再问了", "A", "scam: CO, initials for address and phone after payment, evasion"),
    ],
    # S7 concert tickets, "the usual way"
    [
        ("buyer", "内场两张连座 1700出吗", "", "benign: price offer"),
        ("seller", "可以 给你留着", "", "benign: agreement"),
        ("seller", "老规矩哈 你先过来 到了我就转赠", "P", "scam: CO, after the price is agreed asks for the money 'the usual way'"),
        ("buyer", "什么老规矩 我头一回找你买 闲鱼拍不行吗", "", "hard-negative: targeted buyer questions it"),
        ("seller", "票挂鱼上会被下架 还是照那样打给我 别拍", "P", "scam: CO, pay 'that way' instead of through the order"),
        ("seller", "十分钟没动静我就出给别人了啊", "P", "scam: CO, time pressure to send the money"),
    ],
    # S8 pet cat, money now then crate deposit
    [
        ("seller", "蓝猫公的 三个月 1200包邮 视频在vx上 同号", "C", "scam: sends the buyer to WeChat for videos, evasion (vx)"),
        ("buyer", "看了 要了", "", "benign: agreement"),
        ("seller", "好 那你现在把钱弄过来 明早空运", "P", "scam: CO, after agreement asks for the money now, outside the platform"),
        ("seller", "航空箱另收300押金 猫到了退", "D", "scam: crate deposit before delivery"),
        ("buyer", "押金这种东西我是不会交的 要卖就挂闲鱼我拍", "", "hard-negative: refusal written after the scam phrase"),
        ("seller", "猫已经上飞机了 保险费不补航司不放 你看着办", "D", "scam: escalating fee before delivery"),
    ],
    # S9 furniture sofa, recipient 小李
    [
        ("system", "买家已付款 ¥3280", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "送货那天我出差 收件人写小李 他接", "A", "scam: CO, recipient change after payment"),
        ("buyer", "电话换成他的 送他们厂仓库 他再转交", "A", "scam: CO, phone and place changed after payment"),
        ("seller", "送装要下单人验收签字 私下改不了 您要改就申请退款重拍", "", "hard-negative: refusal pointing to the platform flow"),
        ("buyer", "那你跟师傅打个招呼 到时候小李签就行 订单别动", "A", "scam: CO, asks for an off-record recipient swap"),
    ],
    # S10 tablet repair, refund needs "the digits"
    [
        ("agent", "亲 主板没料了 维修费全额退您", "", "hard-negative: on its own a normal refund promise from shop service"),
        ("agent", "退的时候要您配合下 手机会收到一串数字 念给我就好", "RK", "scam: CO, after the promised refund asks for the SMS code without naming it"),
        ("buyer", "那不就是验证码么 不给", "", "hard-negative: refusal"),
        ("agent", "不核验退不了 钱卡系统里可别怪我们", "RK", "scam: CO, pressure to read out the code"),
        ("agent", "不想念也行 把那条短信截个图发过来", "RK", "scam: CO, asks for a screenshot of the SMS code instead"),
    ],
    # S11 fake Taobao after-sales, triple compensation
    [
        ("agent", "您好 淘宝售后 您买的面霜这批抽检不合格", "IR", "scam: poses as Taobao after-sales with a claim lure"),
        ("agent", "平台给您三倍赔付 今天就能到", "R", "scam: compensation lure"),
        ("agent", "你先点开我刚发的 按页面填就行", "RL", "scam: CO, 'open what I just sent' as the claim step"),
        ("agent", "填完会来条短信 把里头那几位告诉我", "KR", "scam: CO, asks for the SMS code without naming it"),
    ],
    # S12 Xianyu camera, money "frozen until you..."
    [
        ("buyer", "相机3800我付了 你看看", "", "benign: on its own, buyer says they paid"),
        ("buyer", "是不是显示冻结 正常的 你得先交个保证金才解冻", "FD", "scam: CO, 'the money is frozen until you pay a deposit'"),
        ("buyer", "我问过客服了 交了马上自动放款 不信截图给你", "FD", "scam: CO, backs the unfreeze fee with a claimed screenshot"),
        ("seller", "闲鱼哪有让卖家交钱解冻的 我自己问官方去", "", "hard-negative: doubts the demand"),
        ("buyer", "你问也白问 那边排队排到明天 先交了再说", "FD", "scam: CO, keeps pushing the unfreeze payment"),
    ],
    # S13 rental short-term room
    [
        ("buyer", "次卧短租三个月 7000行就定", "", "benign: price offer"),
        ("seller", "7000 成交 房子视频加个微信我发你 hzfd_77", "C", "scam: moves to WeChat"),
        ("seller", "钱先过来 我发你个码 扫完明天拎包住", "PL", "scam: CO, after agreement asks for the money by a code"),
        ("buyer", "合同没签面没见就给钱？我同事去年就这么被坑了八千", "", "hard-negative: doubt plus a third-person story"),
        ("seller", "你同事那是碰上骗子了 我房本都能拍给你看 先把这笔走了", "P", "scam: CO, pushes the same payment again"),
    ],
    # S14 Taobao cat food, SF collect to a friend
    [
        ("system", "买家已付款 猫粮10kg x1", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "算了还是顺丰到付吧 寄我朋友那 她在郑州", "A", "scam: CO, delivery method and destination changed after payment"),
        ("buyer", "名字写陈露 原来那个地址不用管了", "A", "scam: CO, new recipient after payment"),
        ("buyer", "号码一会给你 她白天才接电话", "A", "scam: CO, phone change after payment"),
        ("buyer", "运费那头出 你这边还省事了 就这么办", "A", "scam: CO, pushes the changed delivery after payment"),
    ],
    # S15 Xianyu laptop via QQ
    [
        ("seller", "拯救者能验机 扣我 3302 7781 发你跑分", "C", "scam: moves to QQ with a homophone (扣 for Q), evasion"),
        ("seller", "那就按刚才说的打过去 打完截个图 下午寄", "P", "scam: CO, payment as agreed over on QQ"),
        ("seller", "备注就写还款 别写电脑啥的 免得被风控", "P", "scam: CO, coaches a misleading memo for the off-platform transfer"),
        ("buyer", "我还是闲鱼拍吧 你改个价", "", "hard-negative: buyer insists on the platform"),
        ("seller", "不走那个 一拍就有记录 不方便", "P", "scam: CO, refuses the platform order"),
    ],
    # S16 fake rule centre to a seller
    [
        ("agent", "【淘宝规则中心】您的店铺因虚假发货被投诉，将限制经营", "I", "scam: fake rule-centre notice in chat"),
        ("agent", "需缴纳2000保证金解除限制 逾期冻结店铺", "ID", "scam: impersonation plus an unfreeze deposit"),
        ("seller", "保证金不是在千牛后台交吗 怎么在聊天里收", "", "hard-negative: doubts the demand"),
        ("agent", "后台通道维护 扫这个码交 效果一样", "IPL", "scam: QR payment outside the platform under the platform's name"),
        ("agent", "今晚12点前不处理 店铺直接封停 后果自负", "ID", "scam: CO, deadline threat for the unfreeze deposit"),
    ],
    # S17 food delivery late, shop manager on WeChat
    [
        ("seller", "抱歉 骑手出状况了 这单钱我们赔您", "", "hard-negative: on its own a normal compensation promise"),
        ("seller", "您加下店长 微-信 dz6789 他给您转", "CR", "scam: moves to WeChat for the compensation, evasion (微-信)"),
        ("seller", "店长发您那个页面 把银行那几栏填上就到", "RLK", "scam: CO, after the move the claim step asks for bank details in a page"),
        ("seller", "填完页面会让您输个数 那是到账确认 照输就行", "RK", "scam: CO, walks the victim into entering a code"),
    ],
    # S18 Xianyu dining table, overpayment
    [
        ("buyer", "餐桌我叫了货拉拉 给你转了1600 连运费 你把多的1000给司机", "F", "scam: overpayment, 'pass the difference on'"),
        ("buyer", "跨行要俩小时 你先垫给司机 人家等不了", "F", "scam: CO, push to pay out before the claimed money arrives"),
        ("seller", "钱不到我一分不动   要买就闲鱼拍", "", "hard-negative: refusal, spaces instead of punctuation before the next clause"),
        ("buyer", "司机都到楼下了 你垫一下会死啊", "F", "scam: CO, pressure on the overpayment story"),
    ],
    # S19 phone repair, pick-up point and cousin
    [
        ("system", "买家已支付补差价订单 ¥420", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "寄回别按原来的 放我们那边菜鸟驿站 不是楼下那个 你给快递备注下", "A", "scam: CO, pick-up point change after payment"),
        ("buyer", "收件写我表弟 号码也用他的", "A", "scam: CO, recipient and phone changed after payment"),
        ("seller", "修好的机器只寄回寄修单上的地址和人 这是规定", "", "hard-negative: refusal"),
        ("buyer", "规定是死的 我又不是不认这单 你备注一句的事", "A", "scam: CO, pushes the change again"),
    ],
    # S20 match tickets, claimed Alipay transfer
    [
        ("seller", "两张960 闲鱼拍", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "已经转你支付宝了 你查查 票加我v传 v: qiu_2288", "FPC", "scam: claims an off-platform transfer to an account never given, moves to WeChat, evasion (v)"),
        ("seller", "我没给过你支付宝啊", "", "hard-negative: doubt"),
        ("buyer", "有延时的 先把票转我 快开场了", "F", "scam: CO, pushes delivery before any money"),
        ("buyer", "点这个看到账记录 t.cn/Rk9x 还不信我也没办法", "FL", "scam: fake proof behind a short link"),
    ],
    # S21 Taobao, confirm receipt before shipping
    [
        ("system", "买家已付款，订单待发货", "", "hard-negative: platform notice, normal on-platform flow"),
        ("seller", "亲 活动款要先点确认收货 系统才给排单", "T", "scam: confirm receipt before shipping"),
        ("buyer", "没收到就确认？", "", "hard-negative: doubt"),
        ("seller", "放心 点了当天就发 好多老客都这么弄", "T", "scam: CO, repeats the same step"),
        ("seller", "不点的话订单三天后自动关 到时候别找我", "T", "scam: CO, threat to get the confirmation"),
    ],
    # S22 Xianyu Lego, pay full price and private difference
    [
        ("buyer", "乐高300出吗", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "行 你按原价拍 差的我私下退你", "T", "scam: order at full price, private refund of the difference"),
        ("buyer", "直接改价不行？", "", "hard-negative: doubt, names the normal flow"),
        ("seller", "改价会被限流 照我说的来", "T", "scam: CO, insists on the off-flow difference"),
        ("seller", "你就按原价拍 拍完那二十我另外给你 别啰嗦了", "T", "scam: CO, repeats the full-price-then-private-difference scheme"),
    ],
    # S23 corgi, moved to phone
    [
        ("seller", "柯基有 打我电话 158 0371 2246 电话里说", "C", "scam: moves to a phone call"),
        ("seller", "嗯 电话里念的那个号 你照着打 备注写宠物", "P", "scam: CO, payment to the account read out on the phone"),
        ("seller", "打完再补个笼子钱260 到了退", "D", "scam: cage deposit"),
        ("seller", "运输那边在催 先把刚才那笔弄了 别拖", "P", "scam: CO, urges the payment agreed on the phone"),
    ],
    # S24 Taobao digital, "payment failed" after system notice
    [
        ("system", "买家已付款，等待卖家发货（虚拟商品）", "", "hard-negative: platform notice, normal on-platform flow"),
        ("agent", "亲 您这单支付没成功哦 显示异常", "T", "scam: CO, contradicts the payment notice to set up a second payment"),
        ("agent", "您重付一下 扫这个收款码快 我这边手动改状态", "PLT", "scam: QR payment outside the order, status changed by hand"),
        ("buyer", "订单页明明写着已付款 你这客服哪来的", "", "hard-negative: doubt"),
        ("agent", "不重付这单就只能关了 钱三天后原路回", "PT", "scam: CO, threatens to close the paid order to force a second payment"),
    ],
    # S25 rental, later rent off the app
    [
        ("system", "租客已通过平台支付首期租金及押金", "", "hard-negative: platform notice, normal on-platform flow"),
        ("seller", "收到了 以后每月的别走那个了 5号前直接发我 省手续费", "P", "scam: CO, later rent moved off the platform"),
        ("buyer", "合同上写平台代收啊", "", "hard-negative: doubt"),
        ("seller", "合同归合同 咱照我说的来", "P", "scam: CO, insists"),
        ("seller", "你非要走平台也行 那每月加300 自己算", "P", "scam: CO, prices the platform out to keep rent off it"),
    ],
    # S26 Xianyu lens, buyer wants the seller's code
    [
        ("buyer", "镜头我要了 拍不了 提示你账号没认证", "", "benign: on its own, reports an ordering problem"),
        ("buyer", "我帮你弄 你把收到的验证码发我", "K", "scam: asks for the verification code"),
        ("seller", "验证码谁都不给 拍不了就算了", "", "hard-negative: refusal written after the scam phrase"),
        ("buyer", "不发我就举报你卖假货", "K", "scam: CO, pressure to hand over the code"),
        ("buyer", "就六位数 发完你就能收钱了 又没让你转账", "K", "scam: CO, plays down the code request"),
    ],
    # S27 Taobao baby crib, husband's phone
    [
        ("system", "您的订单买家已完成付款", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "电话写我老公的吧 我那几天住院接不了", "A", "scam: CO, phone change after payment"),
        ("buyer", "地方也挪一下 送他单位", "A", "scam: CO, address change after payment"),
        ("seller", "亲您在订单里提交修改 我这边看到点同意就行", "", "hard-negative: points to the platform flow"),
        ("buyer", "我手机淘宝打不开 你那边改一下 回头补个好评", "A", "scam: CO, asks the seller to change it off the order"),
    ],
    # S28 Xianyu iPad, courier station
    [
        ("system", "买家已付款，请及时发货", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "寄到这个驿站 别按订单上的", "A", "scam: CO, pick-up point change after payment"),
        ("buyer", "收件人就写周先生 号码后四位变了 5521", "A", "scam: CO, recipient and phone after payment"),
        ("seller", "订单写啥我发啥 要改你走改地址申请", "", "hard-negative: refusal"),
        ("buyer", "申请个啥 我说的你照做就行 又不少你钱", "A", "scam: CO, pressure after the refusal"),
    ],
    # S29 music festival, full-width +v
    [
        ("seller", "双日票有 这边聊不方便 ＋ｖ yypiao88 🎫", "C", "scam: full-width +v and emoji, evasion"),
        ("seller", "嗯是我 你在那边付 我这边直接转票", "P", "scam: CO, pay 'over there' after the move"),
        ("seller", "付完截图 备注写门票 别写别的", "P", "scam: CO, instructions for the off-platform payment"),
        ("seller", "那边弄好了吱一声 我这就转", "P", "scam: CO, waits for the payment over WeChat"),
    ],
    # S30 courier claim agent, traditional characters
    [
        ("agent", "您好 我是快遞理賠專員 您的包裹遺失 給您雙倍賠付", "RI", "scam: claim agent lure in traditional characters, evasion"),
        ("agent", "打开我刚推的那个 登进去就能看到赔付金", "RL", "scam: CO, 'open what I pushed' as the claim step"),
        ("agent", "它会让你开共享屏幕 照提示点 我这边帮你弄", "KR", "scam: screen share"),
        ("agent", "开好了吗 屏幕上跳出来那几个数字念一下", "KR", "scam: CO, asks for the code shown during screen share"),
    ],
    # S31 Xianyu cat tree, "send it first"
    [
        ("buyer", "猫爬架160 我明天去拿", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "行吧 那你先发过来 不然怕你放我鸽子", "PD", "scam: CO, after agreement asks for the money up front"),
        ("buyer", "要不我闲鱼拍下 到时候自提再确认收货", "", "hard-negative: proposes the platform flow"),
        ("seller", "鱼上拍我还得扣手续费 发我就行 明天当面给你", "P", "scam: CO, refuses the order and repeats the ask"),
        ("seller", "不发我就卖别人了 今天好几个问的", "PD", "scam: CO, pressure to pay up front"),
    ],
    # S32 earphone repair compensation in Alipay, mini-program
    [
        ("agent", "耳机给您退款 另外补偿50", "", "hard-negative: on its own a normal refund promise"),
        ("agent", "补偿不走订单 您在支付宝里搜个东西 我告诉您点哪", "R", "scam: CO, compensation step outside the order"),
        ("buyer", "为啥不能订单里退", "", "hard-negative: doubt"),
        ("agent", "订单超时了 只能人工 我发您个小程序 进去点领取", "RL", "scam: CO, pushes a mini-program to 'collect' it"),
        ("agent", "领不了的话先把借呗页面打开 我手把手教您", "R", "scam: CO, steers into a credit product as the compensation step"),
    ],
    # S33 Xianyu paper tickets, colleague picks up
    [
        ("system", "买家已付款 ¥1160", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "不寄了 我同事下午去你那拿", "AT", "scam: CO, delivery method changed after payment"),
        ("buyer", "他报我名字 你把票给他就行", "A", "scam: CO, unknown recipient after payment"),
        ("buyer", "你就当他是我 别问那么多 订单那边我回头点", "A", "scam: CO, hands goods to an unknown person after payment"),
        ("seller", "当面给可以 他得当场在闲鱼点确认收货 不然不给", "", "benign: seller ties the handover to the platform"),
    ],
    # S34 fake system notice sent by a buyer
    [
        ("buyer", "【系统通知】买家已付款 请凭截图发货", "FI", "scam: fake platform notice typed by the buyer"),
        ("buyer", "后台同步要24小时 你按截图发就行", "F", "scam: CO, pushes shipping on the fake notice"),
        ("seller", "平台通知不会从买家对话框里冒出来 别装了", "", "hard-negative: refusal"),
        ("buyer", "我这是官方担保单 你不发货会被封号的", "FI", "scam: CO, threat in the platform's name"),
    ],
    # S35 custom wardrobe, final payment to 'that account'
    [
        ("seller", "先拍定金链接500 量尺后出图", "", "hard-negative: presale deposit paid through the order link (normal flow)"),
        ("system", "买家已付定金 ¥500", "", "hard-negative: platform notice, normal on-platform flow"),
        ("seller", "图出来了 尾款8600", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "尾款打我上回给你那个户头 零头给你抹了", "P", "scam: CO, final payment to an account instead of the order"),
        ("seller", "发票照开 放心 就是尾款链接你别拍了", "PT", "scam: CO, steers away from the order's final-payment link"),
        ("seller", "户头找不着的话我再发一遍 卡号尾数0417 户名写我老婆的", "P", "scam: CO, re-sends a private account for the final payment"),
    ],
    # S37 membership refund, "report the number"
    [
        ("agent", "亲 会员没到账马上给您退", "", "hard-negative: on its own a normal refund promise"),
        ("agent", "退的时候系统往您手机发个数 看到了报给我", "KR", "scam: CO, the refund step asks for the code without naming it"),
        ("buyer", "退款不是订单里点一下就行吗 还要我报数？", "", "hard-negative: doubt"),
        ("agent", "那个数五分钟就失效 您抓紧", "KR", "scam: CO, urgency on the code"),
        ("agent", "嫌麻烦的话我远程帮您弄 下个软件就行", "RL", "scam: CO, remote-control app as the refund step"),
    ],
    # S38 golden retriever via QQ
    [
        ("seller", "金毛2500 有血统证 Q上给你看视频 5802 1137", "C", "scam: moves to QQ"),
        ("seller", "那就那边结 结完我安排车", "P", "scam: CO, settle 'over there' after the move"),
        ("seller", "疫苗本工本费150 也一并过去", "PD", "scam: CO, extra fee sent the same way"),
        ("seller", "车费也一块 300 司机不收别的", "PD", "scam: CO, another fee sent the same way"),
    ],
    # S39 fake Taobao CS, insurance cancellation
    [
        ("agent", "您好 淘宝客服 您开通了百万保障 每月扣600", "I", "scam: poses as Taobao customer service"),
        ("agent", "不关会一直扣 先把您名下卡号报一下 我核对扣费", "IK", "scam: card number in the platform's name"),
        ("agent", "报完会有短信 那串数给我才能关掉", "IK", "scam: CO, the code to cancel the fake service"),
        ("buyer", "淘宝客服不会要卡号 挂了", "", "hard-negative: refusal"),
    ],
    # S40 printers for a company, 'report the account'
    [
        ("buyer", "打印机两台1700 行就定", "", "benign: price offer"),
        ("seller", "可以", "", "benign: agreement"),
        ("buyer", "那你报个户头 我这边走对公打给你", "P", "scam: CO, after the agreed price pays to an account outside the platform"),
        ("buyer", "或者你开个收款码 财务那边直接扫", "P", "scam: CO, alternative off-platform payment after the agreed price"),
        ("buyer", "顺便身份证正反面发一张 财务要登记", "K", "scam: ID card request"),
    ],
    # S41 keyboard, pinyin initials
    [
        ("system", "【交易提醒】买家已付款", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "shdz那个作废 xdz: 杭州滨江 wx路 小区门卫", "A", "scam: CO, old/new address in pinyin initials after payment, evasion"),
        ("buyer", "sjh也换 用尾号8810的", "A", "scam: CO, phone change in initials after payment, evasion"),
        ("buyer", "kd别走zt 发yd 到付我来", "A", "scam: CO, courier and payment-on-delivery changed in initials, evasion"),
    ],
    # S42 fridge to a freight station
    [
        ("system", "买家已付款 冰箱 x1 送货上门", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "别送上门了 发到物流站 我自己去拉", "A", "scam: CO, delivery method changed after payment"),
        ("buyer", "提货人写我师傅 他带身份证去", "A", "scam: CO, recipient change after payment"),
        ("buyer", "你跟物流打声招呼就行 订单那套就别走了", "A", "scam: CO, asks to skip the order flow for the change"),
        ("seller", "大件只按订单地址送 要改先退款重拍", "", "hard-negative: refusal pointing to the platform flow"),
    ],
    # S43 figure, friend 'overpaid'
    [
        ("buyer", "手办朋友帮我付的 手抖多打了个零 你看看", "F", "scam: overpayment story"),
        ("seller", "订单上是390啊", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "他另外打你卡上了 你退他3510 账号我发你", "F", "scam: CO, 'refund the difference' to another account"),
        ("buyer", "他急着交房租 你快点退 我给你好评", "F", "scam: CO, urgency on the refund-the-difference story"),
        ("seller", "卡里一分没进 叫他找银行去", "", "hard-negative: refusal"),
    ],
    # S44 Taobao lamp, recipient and pick-up by initials and indirect words
    [
        ("buyer", "付好了 落地灯尽快哈", "", "benign: buyer says they paid"),
        ("system", "买家已付款 ¥268 落地灯 x1", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "对了 送的时候直接放隔壁那栋快递柜 码发我就行", "A", "scam: CO, pick-up point change after payment"),
        ("buyer", "shr写lzy 别写我名 家里人看到要说我", "A", "scam: CO, recipient in initials after payment, evasion"),
        ("buyer", "dh也别留我的 用lzy那个159的", "A", "scam: CO, phone swap in initials after payment, evasion"),
    ],
    # S45 Xianyu bike, moved to phone, 'that number'
    [
        ("buyer", "车子我要了 650能出吗", "", "benign: price offer"),
        ("seller", "能 细的电话里说 打我 139 2201 5567", "C", "scam: moves the deal to a phone call"),
        ("seller", "电话里说的650 你往我那个号上弄就行 到了发车", "P", "scam: CO, payment to 'that number' agreed on the phone"),
        ("buyer", "我电话里说的是闲鱼拍啊 你发链接", "", "hard-negative: buyer insists on the platform"),
        ("seller", "拍的话得730 你自己选", "P", "scam: CO, prices the platform out to keep the payment off it"),
        ("seller", "怕的话先打一半 车到了再打另一半", "P", "scam: CO, splits the off-platform payment to look safer"),
    ],
]

BENIGN = [
    # B1 address change before payment
    [
        ("buyer", "拍了还没付 地址填成老家的了 能改吗", "", "hard-negative: address change before payment"),
        ("seller", "没付款您直接在订单里改地址再付就行", "", "benign: normal flow"),
        ("buyer", "改好了 付了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("system", "订单已付款，收货信息已确认", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B3 seller corrects a typo through the platform
    [
        ("seller", "亲 您地址写成潮阳区了 应该是朝阳区吧", "", "hard-negative: seller spots a typo in the order"),
        ("seller", "我这边发起了修改 您订单里点同意就行", "", "hard-negative: correction through the platform"),
        ("system", "收货地址已修改，买家已确认", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B4 Taobao 拍下改价
    [
        ("buyer", "两件一起能少点不", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "两件减30 您先拍下别付 我给您改价", "", "hard-negative: price change before payment"),
        ("buyer", "拍了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("system", "卖家已修改订单价格，请确认后付款", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "付好了 谢谢老板", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B5 Xianyu 拍下改价, 'pay now' through the order
    [
        ("buyer", "自行车280行不", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "行 拍了我改价", "", "hard-negative: price change on the order"),
        ("seller", "改好了 你现在付吧", "", "hard-negative: 'pay now' after agreement, but through the order just changed"),
        ("system", "买家已付款 ¥280", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B6 refund through the after-sales button
    [
        ("buyer", "杯子到手裂了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "抱歉 您在订单里点申请售后 选仅退款 我马上同意", "", "hard-negative: refund through the platform button"),
        ("system", "退款申请已同意，款项将原路退回", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B7 food delivery partial refund in the app
    [
        ("buyer", "少了份米饭", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "不好意思 订单页点部分退款选米饭 我们马上同意 有人打电话说给您退款的别信", "", "hard-negative: in-app refund plus a warning"),
        ("buyer", "申请了 已经退回来了", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B8 address change after payment refused, platform flow
    [
        ("system", "买家已付款 ¥399", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "付完才看到地址是旧的 你那边帮我改成新家吧", "A", "scam: CO, asks in chat to change the address after payment (flagged by category; seller handles it)"),
        ("seller", "聊天里改不了 您在订单详情点修改地址 没发货都能改", "", "hard-negative: refusal pointing to the platform flow"),
        ("system", "买家申请修改收货地址，卖家已同意", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B9 old classmates move to WeChat, not for the trade
    [
        ("buyer", "诶 你是不是三中的王磊 头像眼熟", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "卧槽 李想？多少年没联系了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "哈哈是我 加个微信吧 改天叫上老班长吃饭", "", "hard-negative: friends move to WeChat for a non-trade reason"),
        ("seller", "行 我搜你手机号 书你照常闲鱼拍 我给你包邮", "", "hard-negative: the trade itself stays on the platform"),
    ],
    # B10 neighbours, cat rescue group on WeChat
    [
        ("buyer", "你也在小区流浪猫群里吧 头像那只狸花我见过", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "是啊 东门那几只我喂的", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "我微信拉你进救助群吧 正缺人排班喂猫", "", "hard-negative: WeChat for a non-trade reason"),
        ("seller", "好啊 猫砂盆你正常拍就行 别因为认识就私下给钱", "", "hard-negative: keeps the trade on the platform"),
    ],
    # B11 presale deposit on the product page
    [
        ("buyer", "新款预售要付定金吗", "", "hard-negative: question about a presale deposit"),
        ("seller", "要 页面上付50定金 尾款25号在订单里付 私下找您收定金的都不是我们", "", "hard-negative: presale deposit through the order plus a warning"),
        ("system", "买家已支付定金 ¥50", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B12 WeChat Pay at checkout
    [
        ("buyer", "你们店能用微信支付吗 支付宝没钱了", "", "hard-negative: asks about WeChat Pay at checkout"),
        ("seller", "结算页现在能选微信支付 您付款时看看", "", "hard-negative: checkout option, not a private transfer"),
        ("buyer", "能选 付了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("system", "买家已付款，请按订单地址发货", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B13 rental deposit paid in the app at signing
    [
        ("buyer", "房子满意 押金要现在给你吗", "", "hard-negative: tenant's question"),
        ("seller", "不用给我 app里签电子合同时一起付 平台代管", "", "hard-negative: deposit through the platform contract"),
        ("system", "电子合同已签署，租客已支付押金及首月租金", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B14 tickets by official transfer
    [
        ("seller", "闲鱼拍下 我在票务app里转赠 你收到了再确认收货", "", "hard-negative: official transfer plus platform order"),
        ("seller", "转赠发了 你app里看下", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "收到了 确认收货了", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B15 pet shop, buyer's own bad experience
    [
        ("buyer", "之前在别家买猫 先让交运费 后来又要航空箱钱 猫影子都没见着", "", "hard-negative: the buyer's own story of a pet-fee scam"),
        ("seller", "这种太多了 我们只能到店看或者淘宝下单 不收任何押金", "", "hard-negative: shop states no deposits"),
        ("buyer", "那我周末去店里看", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B16 food delivery platform notice and a call not taken
    [
        ("system", "【外卖平台】骑手和商家不会以退款、赔付为由让您加微信或点链接", "", "hard-negative: platform warning"),
        ("buyer", "刚有人打电话说我外卖丢了要赔我 让我加他", "", "hard-negative: report of a scam attempt"),
        ("seller", "不是我们打的 别加 有事订单里找我们", "", "hard-negative: warning"),
        ("buyer", "好 幸亏没加", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B17 seller's story that ends well
    [
        ("seller", "跟你说个事 上礼拜有个买家付完款让我把货寄别处 还让写他朋友名字", "", "hard-negative: third-person story of an address-change scam"),
        ("seller", "我没理\n让他订单里改 他就没声了 后来订单也退了 一分没亏", "", "hard-negative: the story ends well, line break after the refusal"),
        ("buyer", "稳 我之前也听说过这种", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B18 Xianyu seller declines WeChat
    [
        ("buyer", "耳机国行吗 有票吗", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "国行 票在 有啥就在闲鱼问 不加微信哈", "", "hard-negative: seller refuses to move off the platform"),
        ("buyer", "行 拍了", "", "benign: ordinary chat turn, asks for nothing risky"),
    ],
    # B19 spec typo corrected through the back office
    [
        ("seller", "亲 您拍的红色 备注写蓝色 以哪个为准", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "蓝色 拍错了", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "我在后台改规格 您订单里确认下", "", "hard-negative: order correction through the platform"),
        ("system", "卖家已修改商品规格，买家已确认", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B20 repair refund, 'cooperate' through the order
    [
        ("buyer", "修完还是不行 能退钱吗", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("seller", "可以 麻烦配合一下 在订单里点退款 原因选维修未成功", "", "hard-negative: 'cooperate' but through the platform's refund"),
        ("system", "退款成功 ¥150 原路退回", "", "hard-negative: platform notice, normal on-platform flow"),
        ("seller", "退好了 不会有人找您要验证码的 有就是骗子", "", "hard-negative: warning"),
    ],
    # B21 landlord warns about impostors
    [
        ("seller", "提醒下 最近有人冒充我挂房源 让人先交看房费", "", "hard-negative: warning"),
        ("buyer", "我就刷到一个 让先交500才带看", "", "hard-negative: report of a scam attempt"),
        ("seller", "那个不是我 我们看房不收钱 签约都在app里", "", "hard-negative: denial and the normal flow"),
    ],
    # B22 ticket platform notice
    [
        ("system", "【票务平台】演出票仅支持官方转赠，要求您线下转账购票的均为诈骗", "", "hard-negative: platform notice"),
        ("buyer", "那闲鱼上的票还能买吗", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("agent", "建议让卖家先官方转赠 您收到再确认收货", "", "hard-negative: advice on the safe flow"),
    ],
    # B24 address change through the platform function
    [
        ("system", "买家已付款 ¥159 收纳柜", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "我在订单里提交了改地址 搬家了 麻烦点下同意", "", "hard-negative: post-payment change made through the platform's own modify-address function"),
        ("seller", "看到了 已同意", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("system", "收货地址已更新", "", "hard-negative: platform notice, normal on-platform flow"),
    ],
    # B25 third-person story that ends badly
    [
        ("buyer", "我妈前两天接电话 说是淘宝客服要给她退款 让念验证码", "", "hard-negative: third-person story"),
        ("seller", "阿姨没念吧", "", "benign: ordinary chat turn, asks for nothing risky"),
        ("buyer", "念了 卡里少了两千 报警了", "", "hard-negative: story continues"),
        ("seller", "唉 淘宝退款都在订单里 不会打电话要码的", "", "hard-negative: warning"),
    ],
    # B26 Xianyu, company address asked after payment, refused
    [
        ("system", "订单已付款 小米手环 x1", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "能不能发我公司 今天不在家", "A", "scam: CO, asks in chat to change the address after payment (flagged by category; seller handles it)"),
        ("seller", "不私下改哈\n你在订单里改 我同意了就按新的发", "", "hard-negative: refusal, line break before the next clause"),
    ],
    # B27 dining chairs, recipient change asked after payment, platform flow
    [
        ("system", "买家已付款 餐椅x4", "", "hard-negative: platform notice, normal on-platform flow"),
        ("buyer", "收件人能写我爸吗 他在家", "A", "scam: CO, recipient change asked in chat after payment (flagged by category; seller handles it)"),
        ("seller", "可以 您订单里把收货人改成叔叔 我看到会同意 聊天里说的我们没法留档", "", "hard-negative: points to the platform flow"),
    ],
]


def interleave(scam, benign):
    """Deterministic mix: benign conversations spread evenly among scam ones."""
    out = []
    ns, nb = len(scam), len(benign)
    bi = 0
    for si, conv in enumerate(scam):
        out.append(conv)
        # place benign so that after scam si, (si+1)*nb/ns benign have been placed
        while bi < nb and bi < (si + 1) * nb // ns:
            out.append(benign[bi])
            bi += 1
    out.extend(benign[bi:])
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for ci, conv in enumerate(interleave(SCAM, BENIGN), start=1):
        cid = "cc-c%02d" % ci
        for mi, (speaker, text, codes, note) in enumerate(conv, start=1):
            rows.append({
                "id": "%s-m%d" % (cid, mi),
                "conversation": cid,
                "speaker": speaker,
                "text": text,
                "labels": [CAT[c] for c in codes],
                "note": note.replace("CO,", "context-only,"),
            })
    path = os.path.join(here, "whole.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
