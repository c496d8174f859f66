//! The input readers on arbitrary bytes, in every format: no panic, line numbers in order,
//! and the batch scan (blocks of three records, parsed in parallel) yields exactly one outcome
//! per record that reading one record at a time yields.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scamscan::batch::{scan_stream, ConversationMap, Outcome, ScanOptions};
use scamscan::io::{FieldMap, InputFormat, RecordReader};
use scamscan::Detector;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new().expect("built-in lexicons"))
}

fuzz_target!(|data: &[u8]| {
    let reader = |format| {
        RecordReader::new(
            Box::new(std::io::Cursor::new(data.to_vec())),
            format,
            &FieldMap::default(),
            256,
        )
    };
    for format in [InputFormat::Jsonl, InputFormat::Csv, InputFormat::Text] {
        let mut one_by_one = reader(format);
        let mut last = 0;
        let mut lines = Vec::new();
        while let Ok(Some(record)) = one_by_one.next_record() {
            let line = record.map_or_else(|e| e.line, |r| r.line);
            assert!(line >= last);
            last = line;
            lines.push(line);
        }
        let options = ScanOptions {
            chunk_records: 3,
            ..ScanOptions::default()
        };
        let mut batch = Vec::new();
        let summary = scan_stream(
            detector(),
            None,
            reader(format),
            &options,
            &mut ConversationMap::new(4),
            &mut |o| -> Result<(), ()> {
                batch.push(match o {
                    Outcome::Scanned { record, .. } => record.line,
                    Outcome::Failed(e) => e.line,
                });
                Ok(())
            },
            &mut |_| {},
        )
        .expect("in-memory input reads")
        .expect("sink never fails");
        assert_eq!(batch, lines, "{format:?}");
        assert_eq!(summary.read, summary.scanned + summary.errors);
    }
});
