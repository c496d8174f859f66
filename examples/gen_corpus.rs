//! Writes a seeded, chat-like JSON Lines corpus of any size for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --lines 1000000 --seed 7 > /tmp/chat.jsonl
//! cargo run --release --example gen_corpus -- --bytes 1000000000 > /tmp/chat-1g.jsonl
//! ```
//!
//! Short customer-service messages in conversations of 4 to 12 turns with speakers, about 1.5%
//! scam lines (some with evasions: spaces, traditional characters, emoji, full-width letters).
//! The same seed always writes the same file. Nothing here is real chat; it is shaped like it
//! so that throughput figures mean something.

use std::io::{self, BufWriter, Write};

/// xorshift64*: small, seeded, good enough for picking templates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PRODUCTS: &[&str] = &[
    "这款连衣裙",
    "蓝牙耳机",
    "这双鞋",
    "面膜",
    "二手相机",
    "这个手机壳",
    "电饭煲",
    "床单四件套",
    "机械键盘",
    "口红",
    "婴儿推车",
    "演唱会门票",
    "游戏账号",
    "登山包",
    "保温杯",
    "猫粮",
];
const BUYER: &[&str] = &[
    "在吗",
    "{p}还有货吗",
    "{p}什么时候发货",
    "{p}有没有优惠",
    "身高165体重110穿什么码",
    "发什么快递",
    "能发顺丰吗",
    "今天能发吗 急用",
    "{p}是正品吗",
    "有没有赠品",
    "能便宜点吗",
    "两件一起拍能包邮吗",
    "物流三天没动了",
    "收到了 质量不错",
    "包装有点破 东西没事",
    "颜色和图片有点差别",
    "好的 我拍了",
    "已经拍了 麻烦尽快发",
    "尺码偏大还是偏小",
    "这个怎么安装啊",
    "可以开发票吗",
    "我想换个颜色",
    "还没付款 地址能改一下吗",
    "谢谢老板",
    "为什么要加微信？在这里聊不行吗",
    "我不转账，就在淘宝拍",
    "订单号 3687221500987766 帮我查下",
];
const SELLER: &[&str] = &[
    "亲 在的 有什么可以帮您",
    "有货的亲 今天拍今天发",
    "默认中通 需要顺丰补10元",
    "亲 下午四点前拍当天发",
    "已经发货了 单号已上传",
    "亲 建议拍大一码",
    "这款是正品 支持验货",
    "亲 两件九五折 下单自动减",
    "好的亲 已备注",
    "亲 收到有问题随时联系我们",
    "亲 安装视频在详情页",
    "可以开的亲 下单备注抬头",
    "亲 物流显示在派送了",
    "抱歉亲 给您补发一个",
    "亲 有问题直接申请售后就行",
    "么么哒 谢谢亲",
    "没付款的话在订单里点修改地址就行",
    "亲 这款预售 定金在订单页付 尾款下周付",
];
const SYSTEM: &[&str] = &[
    "买家已付款，等待卖家发货",
    "卖家已发货",
    "交易成功",
    "订单状态：等待买家付款",
    "温馨提示：请勿私下交易，谨防诈骗",
];
const SCAMS: &[&str] = &[
    "加我微信 {id} 私下交易便宜",
    "不走平台的话便宜两百 支付宝直接转我",
    "你先付个定金我再发货",
    "先交500保证金才能发货",
    "已付款了 帮我改下地址 发到另一个地方",
    "先点确认收货 我这边才能发",
    "您的商品有质量问题 给您双倍赔偿 需要您配合操作",
    "验证码发我一下 核对身份",
    "点击这个链接领取退款 http://tb-refund.top/{id}",
    "我已付款 你看截图 赶紧发货",
    "不好意思多转了500 把差价退我",
    "我是淘宝官方客服 您的店铺涉嫌违规 将被冻结",
    "加 微 信 {id} 聊",
    "直接轉賬給我 不走淘寶",
    "驗證碼發我",
    "ｖｘ：{id}",
    "扣扣 ①②③④⑤⑥⑦⑧⑨",
    "先交个保💰证金 200",
    "有事打我电话 13826417789",
    "亲 这里不方便 去闲鱼找我",
];

fn fill(template: &str, rng: &mut Rng) -> String {
    let product = rng.pick(PRODUCTS);
    let id = format!("shop{}", 1000 + rng.below(9000));
    template.replace("{p}", product).replace("{id}", &id)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

fn main() -> io::Result<()> {
    let mut lines: Option<u64> = None;
    let mut bytes: Option<u64> = None;
    let mut seed = 7u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = |args: &mut dyn Iterator<Item = String>| -> u64 {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{a} needs a number");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--lines" => lines = Some(value(&mut args)),
            "--bytes" => bytes = Some(value(&mut args)),
            "--seed" => seed = value(&mut args).max(1),
            _ => {
                eprintln!("usage: gen_corpus [--lines N | --bytes N] [--seed S]");
                std::process::exit(2);
            }
        }
    }
    let (max_lines, max_bytes) = match (lines, bytes) {
        (None, None) => (100_000, u64::MAX),
        (l, b) => (l.unwrap_or(u64::MAX), b.unwrap_or(u64::MAX)),
    };
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let (mut written, mut size, mut conv) = (0u64, 0u64, 0u64);
    while written < max_lines && size < max_bytes {
        conv += 1;
        let turns = 4 + rng.below(9);
        for t in 0..turns {
            if written >= max_lines || size >= max_bytes {
                break;
            }
            let roll = rng.below(1000);
            let (speaker, text) = if roll < 15 {
                ("seller", fill(rng.pick(SCAMS), &mut rng))
            } else if roll < 60 {
                ("system", rng.pick(SYSTEM).to_string())
            } else if t % 2 == 0 {
                ("buyer", fill(rng.pick(BUYER), &mut rng))
            } else {
                ("seller", fill(rng.pick(SELLER), &mut rng))
            };
            let line = format!(
                "{{\"id\":\"c{conv}-m{}\",\"conversation\":\"c{conv}\",\"speaker\":\"{speaker}\",\"text\":\"{}\"}}\n",
                t + 1,
                escape(&text)
            );
            out.write_all(line.as_bytes())?;
            written += 1;
            size += line.len() as u64;
        }
    }
    out.flush()
}
