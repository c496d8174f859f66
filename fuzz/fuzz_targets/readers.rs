//! The input readers on arbitrary bytes, in every format: no panic, line numbers in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scamscan::io::{FieldMap, InputFormat, RecordReader};

fuzz_target!(|data: &[u8]| {
    for format in [InputFormat::Jsonl, InputFormat::Csv, InputFormat::Text] {
        let mut reader = RecordReader::new(
            Box::new(std::io::Cursor::new(data.to_vec())),
            format,
            &FieldMap::default(),
            256,
        );
        let mut last = 0;
        while let Ok(Some(raw)) = reader.next_raw() {
            assert!(raw.line >= last);
            last = raw.line;
            let _ = raw.parse(&FieldMap::default());
        }
    }
});
