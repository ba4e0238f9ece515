//! Reading messy CSV files as a stream: records with the line they start
//! on and the byte offset after them (the checkpoint of a resumed run),
//! without ever holding more than one record and one input chunk.
//!
//! What real exports throw at us, and what happens:
//! - a UTF-8 byte order mark: skipped (see [`Sniffer`]);
//! - Windows-1252 (Excel on Windows): detected when the file is not valid
//!   UTF-8 and decoded field by field (the delimiters, quotes and line
//!   ends are ASCII in both, so records split the same);
//! - quoted fields with delimiters, doubled quotes and newlines: parsed by
//!   `csv-core`'s state machine;
//! - `,`, `;`, tab or `|` as delimiter: detected from the first 64 KiB
//!   ([`detect_delimiter`]);
//! - blank lines, and lines of nothing but delimiters: skipped;
//! - CRLF, LF or CR line ends;
//! - a record longer than the row limit (an unclosed quote swallowing the
//!   rest of the file, say): returned as `too_long` with its first line,
//!   its bytes dropped as they arrive, so memory stays bounded.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// The delimiters a file may use, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Most fields a record may have; more make it `too_long`.
pub const MAX_FIELDS: usize = 1000;

/// A file's text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "utf-8" => Some(Encoding::Utf8),
            "windows-1252" => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// Text of one field. A UTF-8 file was validated whole at upload (a
    /// file with a BOM is taken at its word; stray bytes become U+FFFD).
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
        }
    }
}

/// One record as read: its fields' bytes, where it starts and where the
/// next one starts.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    /// The line (1-based) the record starts on.
    pub line: u64,
    /// Byte offset just past the record: where reading resumes.
    pub end_offset: u64,
    /// The line at `end_offset`.
    pub end_line: u64,
    /// Longer than the row limit, or more than [`MAX_FIELDS`] fields: the
    /// fields were dropped.
    pub too_long: bool,
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl RawRecord {
    /// The fields, decoded.
    pub fn fields(&self, enc: Encoding) -> Vec<String> {
        let mut out = Vec::with_capacity(self.ends.len());
        let mut start = 0;
        for &end in &self.ends {
            out.push(enc.decode(&self.data[start..end]));
            start = end;
        }
        out
    }

    /// Whether every field is empty or spaces (a line of delimiters).
    pub fn is_blank(&self) -> bool {
        !self.too_long && self.data.iter().all(|b| b.is_ascii_whitespace())
    }

    pub fn field_count(&self) -> usize {
        self.ends.len()
    }
}

/// What [`CsvStream::step`] produced.
#[derive(Debug)]
pub enum Step {
    /// The input given is used up; call again with more (or with
    /// `eof = true` and no input when the file has ended).
    NeedInput,
    Record(RawRecord),
    /// The file has ended.
    End,
}

/// A CSV reader fed with chunks of bytes, holding at most one record.
pub struct CsvStream {
    rdr: Reader,
    delimiter: u8,
    /// Absolute offset of the next unconsumed byte, and its line.
    offset: u64,
    line: u64,
    /// Set once the current record's first byte is read.
    start_line: Option<u64>,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    nends: usize,
    too_long: bool,
    max_row: usize,
}

impl CsvStream {
    /// A reader starting at `offset`, which is on `line`, at a record
    /// boundary (the start of data or a checkpoint). Records of more than
    /// `max_row` bytes come back `too_long`.
    pub fn new(delimiter: u8, offset: u64, line: u64, max_row: usize) -> Self {
        CsvStream {
            rdr: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            offset,
            line,
            start_line: None,
            out: vec![0; 4096.min(max_row.max(1))],
            out_len: 0,
            ends: vec![0; 64],
            nends: 0,
            too_long: false,
            max_row: max_row.max(1),
        }
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The offset of the next unconsumed byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads from `input` until a record ends or the input is used up.
    /// Returns how many bytes of `input` were consumed and what happened.
    /// With `eof`, `input` is the last of the file (usually empty).
    pub fn step(&mut self, input: &[u8], eof: bool) -> (usize, Step) {
        let mut input = input;
        let mut consumed = 0;
        loop {
            if self.start_line.is_none() {
                // Blank lines between records: skipped here so that the
                // record's first line is known.
                let skip = input.iter().take_while(|b| **b == b'\n' || **b == b'\r').count();
                self.line += input[..skip].iter().filter(|b| **b == b'\n').count() as u64;
                self.offset += skip as u64;
                consumed += skip;
                input = &input[skip..];
                if input.is_empty() {
                    return (consumed, if eof { Step::End } else { Step::NeedInput });
                }
                self.start_line = Some(self.line);
            }
            let (res, nin, nout, nend) =
                self.rdr.read_record(input, &mut self.out[self.out_len..], &mut self.ends[self.nends..]);
            self.line += memchr_count(&input[..nin]);
            self.offset += nin as u64;
            consumed += nin;
            input = &input[nin..];
            self.out_len += nout;
            self.nends += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if !eof {
                        return (consumed, Step::NeedInput);
                    }
                }
                ReadRecordResult::OutputFull => {
                    if self.out.len() < self.max_row {
                        let grown = (self.out.len() * 2).min(self.max_row);
                        self.out.resize(grown, 0);
                    } else {
                        // Too long: drop what was read and keep reading
                        // to the record's end.
                        self.too_long = true;
                        self.out_len = 0;
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() < MAX_FIELDS {
                        let grown = (self.ends.len() * 2).min(MAX_FIELDS);
                        self.ends.resize(grown, 0);
                    } else {
                        self.too_long = true;
                        self.nends = 0;
                    }
                }
                ReadRecordResult::Record => {
                    let record = self.take();
                    return (consumed, Step::Record(record));
                }
                ReadRecordResult::End => return (consumed, Step::End),
            }
        }
    }

    fn take(&mut self) -> RawRecord {
        let line = self.start_line.take().unwrap_or(self.line);
        let rec = if self.too_long {
            RawRecord { line, too_long: true, ..Default::default() }
        } else {
            RawRecord {
                line,
                too_long: false,
                data: self.out[..self.out_len].to_vec(),
                ends: self.ends[..self.nends].to_vec(),
                ..Default::default()
            }
        };
        self.out_len = 0;
        self.nends = 0;
        self.too_long = false;
        RawRecord { end_offset: self.offset, end_line: self.line, ..rec }
    }
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// Reads every record of an in-memory buffer (tests, the sniffer's head).
/// `complete` says whether the buffer is the whole file; when it is not,
/// the last, possibly cut, record is left out.
pub fn records_of(buf: &[u8], delimiter: u8, max_row: usize, complete: bool, limit: usize) -> Vec<RawRecord> {
    let mut s = CsvStream::new(delimiter, 0, 1, max_row);
    let mut out = Vec::new();
    let mut pos = 0;
    while out.len() < limit {
        let (n, step) = s.step(&buf[pos..], complete);
        pos += n;
        match step {
            Step::Record(r) => out.push(r),
            Step::NeedInput | Step::End => break,
        }
    }
    out
}

/// Picks the delimiter that splits the first records of `head` into the
/// most columns, the same number on most lines. `head` is the start of the
/// file; `complete` when it is the whole file.
pub fn detect_delimiter(head: &[u8], complete: bool) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for d in DELIMITERS {
        let recs: Vec<RawRecord> =
            records_of(head, d, 1 << 20, complete, 50).into_iter().filter(|r| !r.too_long && !r.is_blank()).collect();
        let Some(first) = recs.first() else { continue };
        let cols = first.field_count();
        if cols < 2 {
            continue;
        }
        let consistent = recs.iter().filter(|r| r.field_count() == cols).count();
        // Consistency first, then the number of columns.
        if (consistent, cols) > (best.1, best.2) {
            best = (d, consistent, cols);
        }
    }
    best.0
}

/// Watches an upload go by: keeps its first bytes, checks whether it is
/// valid UTF-8, and notes a byte order mark, without keeping the rest.
pub struct Sniffer {
    head: Vec<u8>,
    head_max: usize,
    size: u64,
    valid_utf8: bool,
    /// An incomplete UTF-8 sequence at the end of the last chunk.
    carry: Vec<u8>,
}

impl Sniffer {
    pub fn new(head_max: usize) -> Self {
        Sniffer { head: Vec::new(), head_max, size: 0, valid_utf8: true, carry: Vec::new() }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.size += chunk.len() as u64;
        if self.head.len() < self.head_max {
            let take = (self.head_max - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if !self.valid_utf8 {
            return;
        }
        let mut joined;
        let bytes: &[u8] = if self.carry.is_empty() {
            chunk
        } else {
            joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(chunk);
            &joined
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.valid_utf8 = false,
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file's first bytes (up to the head size).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether the head is the whole file.
    pub fn complete(&self) -> bool {
        self.size as usize == self.head.len()
    }

    pub fn has_bom(&self) -> bool {
        self.head.starts_with(b"\xef\xbb\xbf")
    }

    /// UTF-8 when the file has a BOM or is valid UTF-8 throughout.
    pub fn encoding(&self) -> Encoding {
        let valid = self.valid_utf8 && self.carry.is_empty();
        if self.has_bom() || valid {
            Encoding::Utf8
        } else {
            Encoding::Windows1252
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], delimiter: u8, chunk: usize, max_row: usize) -> Vec<(u64, Vec<String>, bool)> {
        let mut s = CsvStream::new(delimiter, 0, 1, max_row);
        let mut out = Vec::new();
        let chunks: Vec<&[u8]> = data.chunks(chunk.max(1)).collect();
        let mut i = 0;
        let mut pos = 0;
        loop {
            let (input, eof) = match chunks.get(i) {
                Some(c) => (&c[pos..], false),
                None => (&[][..], true),
            };
            let (n, step) = s.step(input, eof);
            pos += n;
            match step {
                Step::Record(r) => {
                    if !r.is_blank() {
                        out.push((r.line, r.fields(Encoding::Utf8), r.too_long))
                    }
                }
                Step::NeedInput => {
                    i += 1;
                    pos = 0;
                }
                Step::End => break,
            }
        }
        out
    }

    #[test]
    fn records_keep_their_first_line_across_chunk_sizes() {
        let data = b"name,notes\r\n\r\nAnn,\"two\nlines\"\n,,\nBob,\"say \"\"hi\"\"\"\n\nCy,last";
        for chunk in [1, 2, 3, 7, 1000] {
            let got = read_all(data, b',', chunk, 1 << 16);
            let want: Vec<(u64, Vec<String>, bool)> = vec![
                (1, vec!["name".into(), "notes".into()], false),
                (3, vec!["Ann".into(), "two\nlines".into()], false),
                (6, vec!["Bob".into(), "say \"hi\"".into()], false),
                (8, vec!["Cy".into(), "last".into()], false),
            ];
            assert_eq!(got, want, "chunk size {chunk}");
        }
    }

    #[test]
    fn an_overlong_record_is_flagged_and_reading_goes_on() {
        let long = "x".repeat(100);
        let data = format!("a,b\n1,{long}\n2,ok\n");
        let got = read_all(data.as_bytes(), b',', 5, 32);
        assert_eq!(got.len(), 3);
        assert!(got[1].2, "the long record is flagged");
        assert_eq!(got[1].0, 2);
        assert_eq!(got[2], (3, vec!["2".into(), "ok".into()], false));
    }

    #[test]
    fn resuming_at_an_offset_reads_the_same_records() {
        let data = b"h1;h2\n1;a\n2;\"b\nb\"\n3;c\n";
        let all = records_of(data, b';', 1024, true, 100);
        let second = &all[1];
        let mut s = CsvStream::new(b';', second.end_offset, second.end_line, 1024);
        let (_, step) = s.step(&data[second.end_offset as usize..], true);
        let Step::Record(r) = step else { panic!("a record") };
        assert_eq!(r.fields(Encoding::Utf8), vec!["2".to_owned(), "b\nb".into()]);
        assert_eq!(r.line, 3);
    }

    #[test]
    fn delimiters_are_detected() {
        let cases: [(&[u8], u8, &str); 4] = [
            (b"a,b,c\n1,2,3\n", b',', "commas"),
            (b"a;b;c\n1;\"2,5\";3\n4;5;6\n", b';', "semicolons with a comma inside quotes"),
            (b"a\tb\n1\t2\n", b'\t', "tabs"),
            (b"name|email\nAnn|a@x.io\n", b'|', "pipes"),
        ];
        for (data, want, what) in cases {
            assert_eq!(detect_delimiter(data, true), want, "{what}");
        }
    }

    #[test]
    fn encodings_are_sniffed_across_chunk_boundaries() {
        let utf8 = "name\nRené Müller\n".as_bytes();
        for split in 0..utf8.len() {
            let mut s = Sniffer::new(8);
            s.feed(&utf8[..split]);
            s.feed(&utf8[split..]);
            assert_eq!(s.encoding(), Encoding::Utf8, "split at {split}");
        }
        let mut s = Sniffer::new(64);
        s.feed(b"name\nRen\xe9\n");
        assert_eq!(s.encoding(), Encoding::Windows1252);
        assert_eq!(Encoding::Windows1252.decode(b"Ren\xe9 \x80"), "René €");
        let mut s = Sniffer::new(64);
        s.feed(b"\xef\xbb\xbfname\n");
        assert!(s.has_bom());
        assert_eq!(s.encoding(), Encoding::Utf8);
    }
}
