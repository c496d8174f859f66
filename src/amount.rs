//! Money amounts in chat text: ¥500, 500元, 500块, 五百块, 伍佰元, 5k, 1.2万, 两千.
//!
//! A number is money when it carries a currency sign or unit (¥, 元, 块, RMB), or when it
//! stands right next to a payment word (转5000, 定金两千, 5000定金). Everything else is
//! left alone: order and phone numbers (too many digits, no unit), sizes, dates and counts
//! (码, 号, 月, 件, kg, ...), and digits glued to letters (SF1234). A finding takes the
//! amount nearest to its evidence in the same sentence; the detector raises a finding with
//! a large amount one severity step (`--large-amount`).

/// A money amount found in a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amount {
    /// Byte offset of the number's first byte (a currency sign before it is not included).
    pub start: usize,
    /// Byte offset one past the amount's last byte (its unit included).
    pub end: usize,
    /// The amount in yuan.
    pub yuan: f64,
}

/// Amounts written with more integer digits than this are ids, not money.
const MAX_DIGITS: usize = 9;
/// Without a sign or unit, only numbers of at most this many integer digits are read.
const MAX_BARE_DIGITS: usize = 6;
/// How far (in characters) a finding looks for an amount around its evidence.
const NEAR_CHARS: usize = 15;

/// Units after a number that make it money.
const MONEY_UNITS: [&str; 10] = [
    "块钱",
    "元钱",
    "塊錢",
    "块",
    "塊",
    "元",
    "圆",
    "圓",
    "rmb",
    "人民币",
];
/// Signs before a number that make it money.
const MONEY_SIGNS: [&str; 5] = ["¥", "￥", "rmb", "人民币", "人民幣"];
/// Units after a number that make it something other than money.
const OTHER_UNITS: [&str; 65] = [
    "码", "碼", "号", "號", "日", "月", "年", "天", "个", "個", "件", "斤", "公斤", "克", "kg",
    "g", "cm", "mm", "m", "米", "岁", "歲", "点", "點", "分", "秒", "小时", "%", "％", "次", "楼",
    "樓", "层", "層", "栋", "室", "单元", "台", "张", "張", "条", "條", "份", "箱", "瓶", "盒",
    "双", "套", "只", "位", "周", "期", "寸", "ml", "升", "度", "折", "倍", "人", "字", "步", "单",
    "公里", "平米", "毫安",
];
/// Words right before a bare number that make it a payment (转5000, 定金500, 运费20).
const CUES_BEFORE: [&str; 33] = [
    "转", "轉", "付", "打", "交", "补", "補", "退", "返", "赔", "賠", "汇", "匯", "押", "充", "给",
    "價", "价", "价格", "报价", "费", "金", "款", "钱", "卖", "賣", "差", "减", "減", "共", "合计",
    "红包", "发",
];
/// Words right after a bare number that make it a payment (5000定金).
const CUES_AFTER: [&str; 15] = [
    "定金",
    "订金",
    "訂金",
    "押金",
    "保证金",
    "保證金",
    "手续费",
    "运费",
    "的定金",
    "包邮",
    "包郵",
    "出",
    "一个",
    "一件",
    "每个",
];

/// Every money amount in `text`, in order.
///
/// ```
/// use scamscan::amount::find_amounts;
///
/// let yuan: Vec<f64> = find_amounts("先转5000定金，尾款一千五百块，运费¥12.5")
///     .iter()
///     .map(|a| a.yuan)
///     .collect();
/// assert_eq!(yuan, [5000.0, 1500.0, 12.5]);
/// assert!(find_amounts("订单号538872953711").is_empty());
/// ```
pub fn find_amounts(text: &str) -> Vec<Amount> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(number) = read_number(&chars, i) else {
            i += 1;
            continue;
        };
        if let Some(amount) = classify(text, &chars, i, &number) {
            found.push(amount);
        }
        i = number.end.max(i + 1);
    }
    found
}

/// The amount nearest to the byte span `start..end` of `text`, within a few characters and
/// in the same sentence. `amounts` are in order and apart, as [`find_amounts`] gives them:
/// only those within a few characters' bytes of the span are looked at.
pub(crate) fn amount_near(amounts: &[Amount], text: &str, start: usize, end: usize) -> Option<f64> {
    // A character is at most four bytes: nothing further than this is within NEAR_CHARS.
    let reach = NEAR_CHARS * 4;
    let from = amounts.partition_point(|a| a.end + reach < start);
    let to = amounts.partition_point(|a| a.start <= end + reach);
    amounts[from..to.max(from)]
        .iter()
        .filter_map(|a| {
            let between = if a.end <= start {
                text.get(a.end..start)?
            } else if a.start >= end {
                text.get(end..a.start)?
            } else {
                ""
            };
            let sentence_break = between
                .chars()
                .any(|c| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '；' | ';'));
            let distance = between.chars().count();
            (!sentence_break && distance <= NEAR_CHARS).then_some((distance, a.yuan))
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, yuan)| yuan)
}

/// Characters of context a number's reading may look at on either side (a sign or cue before
/// it, a unit after it), beyond the NEAR_CHARS a finding looks for it in.
const READING_CHARS: usize = 48;

/// The amount nearest to the byte span `start..end` of `text`, read from the stretch of text
/// around the span only, so that finding it costs the same on a message of any length. The
/// stretch starts where no number is being written, so it reads exactly the amounts the whole
/// text would.
pub(crate) fn amount_around(text: &str, start: usize, end: usize) -> Option<f64> {
    let reach = NEAR_CHARS + READING_CHARS;
    let mut from = text[..start]
        .char_indices()
        .rev()
        .take(reach)
        .last()
        .map_or(start, |(i, _)| i);
    while let Some(c) = text[..from].chars().next_back() {
        if !is_number_char(c) {
            break;
        }
        from -= c.len_utf8();
    }
    let to = text[end..]
        .char_indices()
        .nth(reach)
        .map_or(text.len(), |(i, _)| end + i);
    let window = &text[from..to];
    amount_near(&find_amounts(window), window, start - from, end - from)
}

/// A character that may be part of a written number.
fn is_number_char(c: char) -> bool {
    digit_value(c).is_some()
        || chinese_digit(c).is_some()
        || matches!(
            c,
            '.' | '．'
                | ','
                | '，'
                | '十'
                | '拾'
                | '百'
                | '佰'
                | '千'
                | '仟'
                | '万'
                | '萬'
                | '亿'
                | '億'
                | '点'
                | '點'
                | '块'
                | '塊'
                | '毛'
                | '角'
                | 'k'
                | 'w'
                | 'K'
                | 'W'
        )
}

/// Formats yuan for people: 5000, 12.5.
pub fn format_yuan(yuan: f64) -> String {
    if yuan.fract() == 0.0 && yuan.abs() < 1e15 {
        format!("{yuan:.0}")
    } else {
        let s = format!("{yuan:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A number as written, before deciding whether it is money.
#[derive(Debug)]
struct Number {
    /// Char index one past the number (and its magnitude, if any).
    end: usize,
    value: f64,
    /// Integer digits as typed, for Arabic numbers; 0 for Chinese numerals.
    digits: usize,
    /// Chinese numerals without a magnitude (一, 五): only money with a unit.
    small_chinese: bool,
    /// Written with 千, 万, 亿, k or w (两千, 1.2万, 5k): money unless another unit follows.
    thousands: bool,
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '兩' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1_000,
        '万' | '萬' => 10_000,
        '亿' | '億' => 100_000_000,
        _ => return None,
    })
}

/// Multiplier of a magnitude written after Arabic digits (1.2万, 5k, 3千).
fn magnitude_after(chars: &[(usize, char)], at: usize) -> Option<f64> {
    let c = chars.get(at)?.1;
    let glued_letter = chars
        .get(at + 1)
        .is_some_and(|&(_, n)| n.is_ascii_alphabetic());
    match c {
        'k' | 'K' if !glued_letter => Some(1e3),
        'w' | 'W' if !glued_letter => Some(1e4),
        _ => chinese_unit(c).filter(|&u| u >= 100).map(|u| u as f64),
    }
}

fn read_number(chars: &[(usize, char)], i: usize) -> Option<Number> {
    let c = chars[i].1;
    if digit_value(c).is_some() {
        read_arabic(chars, i)
    } else if chinese_digit(c).is_some() || chinese_unit(c) == Some(10) {
        read_chinese(chars, i)
    } else {
        None
    }
}

fn read_arabic(chars: &[(usize, char)], i: usize) -> Option<Number> {
    let mut j = i;
    let mut int = 0f64;
    let mut digits = 0;
    loop {
        match chars.get(j).and_then(|&(_, c)| digit_value(c)) {
            Some(d) => {
                int = int * 10.0 + f64::from(d);
                digits += 1;
                j += 1;
            }
            // A thousands separator: a comma followed by exactly three digits.
            None if chars.get(j).is_some_and(|&(_, c)| c == ',')
                && (1..=3).all(|k| {
                    chars
                        .get(j + k)
                        .is_some_and(|&(_, c)| digit_value(c).is_some())
                })
                && chars
                    .get(j + 4)
                    .is_none_or(|&(_, c)| digit_value(c).is_none()) =>
            {
                j += 1;
            }
            None => break,
        }
    }
    let mut value = int;
    if chars.get(j).is_some_and(|&(_, c)| c == '.' || c == '．')
        && chars
            .get(j + 1)
            .is_some_and(|&(_, c)| digit_value(c).is_some())
    {
        j += 1;
        let mut scale = 0.1;
        while let Some(d) = chars.get(j).and_then(|&(_, c)| digit_value(c)) {
            value += f64::from(d) * scale;
            scale /= 10.0;
            j += 1;
        }
    }
    let mut thousands = false;
    if let Some(mult) = magnitude_after(chars, j) {
        thousands = mult >= 1e3;
        value *= mult;
        j += 1;
        // 3千5 = 3500, 1万2 = 12000: one trailing digit is the next lower magnitude.
        if let Some(d) = chars.get(j).and_then(|&(_, c)| digit_value(c)) {
            let next_is_digit = chars
                .get(j + 1)
                .is_some_and(|&(_, c)| digit_value(c).is_some());
            if mult >= 1e3 && !next_is_digit {
                value += f64::from(d) * mult / 10.0;
                j += 1;
            }
        }
    }
    Some(Number {
        end: j,
        value,
        digits,
        small_chinese: false,
        thousands,
    })
}

fn read_chinese(chars: &[(usize, char)], i: usize) -> Option<Number> {
    let mut j = i;
    let mut total: u64 = 0; // completed 亿 and 万 sections
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    let mut last_unit: u64 = 0;
    let mut saw_zero = false;
    let mut saw_unit = false;
    let mut top_unit: u64 = 0;
    while let Some(&(_, c)) = chars.get(j) {
        if let Some(d) = chinese_digit(c) {
            if d == 0 {
                saw_zero = true;
            }
            if digit.is_some_and(|prev| prev != 0) {
                // Two digits in a row (一二): not a numeral we read.
                break;
            }
            digit = Some(d);
        } else if let Some(unit) = chinese_unit(c) {
            saw_unit = true;
            top_unit = top_unit.max(unit);
            if unit >= 10_000 {
                let part = section + digit.unwrap_or(0);
                let part = if part == 0 { 1 } else { part };
                total = total.saturating_add(part).saturating_mul(unit);
                section = 0;
            } else {
                section = section.saturating_add(digit.unwrap_or(1) * unit);
            }
            digit = None;
            last_unit = unit;
            saw_zero = false;
        } else {
            break;
        }
        j += 1;
    }
    if j == i {
        return None;
    }
    let mut value = total.saturating_add(section);
    if let Some(d) = digit {
        // 一千五 = 1500, 两万五 = 25000, but 一百零五 = 105.
        value = value.saturating_add(if last_unit >= 100 && !saw_zero {
            d * last_unit / 10
        } else {
            d
        });
    }
    Some(Number {
        end: j,
        value: value as f64,
        digits: 0,
        small_chinese: !saw_unit,
        thousands: top_unit >= 1_000,
    })
}

fn starts_with_any<'a>(rest: &str, words: &[&'a str]) -> Option<&'a str> {
    words.iter().copied().find(|w| {
        rest.get(..w.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(w))
    })
}

fn ends_with_any(before: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        before.len() >= w.len()
            && before
                .get(before.len() - w.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(w))
    })
}

/// Decides whether the number at char `i` is money, and where its unit ends.
fn classify(text: &str, chars: &[(usize, char)], i: usize, number: &Number) -> Option<Amount> {
    let start = chars[i].0;
    let end = chars.get(number.end).map_or(text.len(), |&(b, _)| b);
    if number.digits > MAX_DIGITS {
        return None;
    }
    // Digits glued to letters or other digits are ids (SF1234, A3).
    let prev = i.checked_sub(1).map(|p| chars[p].1);
    if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '#')
        && !ends_with_any(&text[..start], &["rmb"])
    {
        return None;
    }
    let before = text[..start].trim_end_matches([' ', '　', ':', '：']);
    let mut after_at = end;
    // 五百多块, 500来块, 一千多人: an approximation before the unit.
    if let Some(w) = starts_with_any(&text[after_at..], &["多", "来", "余"]) {
        after_at += w.len();
    }
    let rest = text[after_at..].trim_start_matches([' ', '　']);
    let rest_at = text.len() - rest.len();
    if let Some(unit) = starts_with_any(rest, &MONEY_UNITS) {
        let mut end = rest_at + unit.len();
        let mut yuan = number.value;
        // 两块五, 3块5: one digit after 块 or 元 is tenths of a yuan.
        if matches!(unit, "块" | "塊" | "元") {
            let mut tail = text[end..].chars();
            let tenth = tail.next().and_then(|c| {
                digit_value(c)
                    .map(u64::from)
                    .or_else(|| chinese_digit(c))
                    .map(|d| (c, d))
            });
            // ...unless more of a number follows (两块五十 is not 2.5; 五一个 is 五 then 一个).
            let next = tail.next();
            let after_next = tail.next();
            let numeral = |c: char| chinese_digit(c).is_some() || chinese_unit(c).is_some();
            let stands_alone = next.is_none_or(|n| {
                digit_value(n).is_none()
                    && chinese_unit(n).is_none()
                    && (chinese_digit(n).is_none() || !after_next.is_some_and(numeral))
            });
            // 5块一个, 3块一斤: a digit that starts a count is no tenth.
            let counted = tenth.is_some_and(|(c, _)| {
                starts_with_any(&text[end + c.len_utf8()..], &OTHER_UNITS).is_some()
            });
            if let (Some((c, d)), true, false) = (tenth, stands_alone, counted) {
                yuan += d as f64 / 10.0;
                end += c.len_utf8();
            }
        }
        return Some(Amount { start, end, yuan });
    }
    let other_unit = starts_with_any(rest, &OTHER_UNITS).is_some()
        || rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if other_unit || number.small_chinese {
        return None;
    }
    if ends_with_any(before, &MONEY_SIGNS) || number.thousands {
        return Some(Amount {
            start,
            end,
            yuan: number.value,
        });
    }
    let bare_ok = number.digits <= MAX_BARE_DIGITS;
    // 转你500, 退我30, 多转了500, 付个八百: a pronoun, 了 or 个 may stand between the verb
    // and the number.
    let before_verb = before.trim_end_matches(['你', '我', '他', '她', '您', '了', '个']);
    let cue_before =
        ends_with_any(before, &CUES_BEFORE) || ends_with_any(before_verb, &CUES_BEFORE);
    if bare_ok && (cue_before || starts_with_any(rest, &CUES_AFTER).is_some()) {
        return Some(Amount {
            start,
            end,
            yuan: number.value,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Vec<f64> {
        find_amounts(text).iter().map(|a| a.yuan).collect()
    }

    #[test]
    fn money_is_read() {
        let table: &[(&str, &[f64])] = &[
            ("¥500", &[500.0]),
            ("￥500", &[500.0]),
            ("RMB 300", &[300.0]),
            ("500元", &[500.0]),
            ("500 元", &[500.0]),
            ("500块", &[500.0]),
            ("500块钱", &[500.0]),
            ("五百块", &[500.0]),
            ("伍佰元", &[500.0]),
            ("贰仟伍佰圆", &[2500.0]),
            ("5k", &[5000.0]),
            ("转5K", &[5000.0]),
            ("1.2万", &[12000.0]),
            ("两千", &[2000.0]),
            ("定金两千", &[2000.0]),
            ("押金两千块", &[2000.0]),
            ("一千五百块", &[1500.0]),
            ("一千五", &[1500.0]),
            ("尾款一千五", &[1500.0]),
            ("一百零五元", &[105.0]),
            ("两万五的定金", &[25000.0]),
            ("3千5块", &[3500.0]),
            ("1,200元", &[1200.0]),
            ("１２００元", &[1200.0]),
            ("12.5元", &[12.5]),
            ("先转5000定金给我", &[5000.0]),
            ("先转50定金给我", &[50.0]),
            ("运费20", &[20.0]),
            ("五百多块", &[500.0]),
            ("十块钱", &[10.0]),
            ("退你30", &[30.0]),
            ("退30", &[30.0]),
            ("多转了500", &[500.0]),
            ("两块五", &[2.5]),
            ("3块5一斤", &[3.5]),
            ("5块一个", &[5.0]),
            ("付个八百", &[800.0]),
            ("4800出", &[4800.0]),
            ("兩萬塊", &[20000.0]),
            ("5w块", &[50000.0]),
            ("一个亿", &[]),
        ];
        for (text, want) in table {
            assert_eq!(yuan(text), *want, "{text}");
        }
    }

    #[test]
    fn other_numbers_are_not_money() {
        let table = [
            "订单号538872953711",
            "转538872953711",
            "我手机13812345678",
            "电话 138 1234 5678",
            "42码的有吗",
            "身高180cm 体重70kg",
            "5月20日发货",
            "2024年买的",
            "3号楼502室",
            "买3件",
            "打5折",
            "付了2次",
            "快递单号SF1234567",
            "型号A500",
            "十分感谢",
            "一下",
            "第一次买",
            "5kg装",
            "还有5天",
            "99%新",
            "一千多人",
            "两千字",
            "1万步",
            "5000毫安",
            "一百多个",
        ];
        for text in table {
            assert_eq!(yuan(text), Vec::<f64>::new(), "{text}");
        }
    }

    #[test]
    fn spans_cover_number_and_unit() {
        let text = "先付定金 ¥500 再发";
        let a = find_amounts(text)[0];
        assert_eq!(&text[a.start..a.end], "500");
        let text = "五百块钱";
        let a = find_amounts(text)[0];
        assert_eq!(&text[a.start..a.end], "五百块钱");
    }

    #[test]
    fn nearest_amount_in_the_same_sentence() {
        let text = "先转5000定金给我。运费另付20";
        let amounts = find_amounts(text);
        let s = text.find("定金").unwrap();
        assert_eq!(
            amount_near(&amounts, text, s, s + "定金".len()),
            Some(5000.0)
        );
        let far = "先转定金给我。我们店开了十年了价格500";
        let amounts = find_amounts(far);
        let s = far.find("定金").unwrap();
        assert_eq!(amount_near(&amounts, far, s, s + "定金".len()), None);
    }

    #[test]
    fn yuan_formats_plainly() {
        assert_eq!(format_yuan(5000.0), "5000");
        assert_eq!(format_yuan(12.5), "12.5");
        assert_eq!(format_yuan(0.25), "0.25");
    }

    #[test]
    fn no_panic_on_odd_text() {
        for text in [
            "",
            "¥",
            "1.",
            "1,",
            "1,2",
            "万",
            "零",
            "十",
            "k",
            "1万万万",
            "９９９９９９９９９９９９９９万",
        ] {
            let _ = find_amounts(text);
        }
    }
}
