//! Reading a CSV file of leads (R9.2): the table, and which lead field each column holds —
//! guessed from its header in English, Vietnamese or Chinese, or chosen by the user.
//! Parsing is the `csv` crate's (quotes, embedded line breaks, CRLF); this adds the
//! byte-order mark, the delimiter spreadsheets write in each locale, and limits.

use crate::errors::Invalid;
use crate::search::fold;

/// The most rows one import takes (and the byte limit the web layer enforces before).
pub const MAX_ROWS: usize = 200_000;

choice!(
    /// A lead field a column can fill.
    LeadColumn {
        Name => "name",
        ContactName => "contact_name",
        CompanyName => "company_name",
        Email => "email",
        Phone => "phone",
        Mobile => "mobile",
        JobPosition => "job_position",
        Website => "website",
        Street => "street",
        Ward => "ward",
        District => "district",
        City => "city",
        Country => "country",
        ExpectedRevenue => "expected_revenue",
        Currency => "currency",
        Priority => "priority",
        ExpectedClosing => "expected_closing",
        Description => "description",
        ReferredBy => "referred_by",
        Tags => "tags",
        User => "user",
        Team => "team",
        Stage => "stage",
        Source => "source",
        Medium => "medium",
        Campaign => "campaign",
    }
);

/// Header spellings people use besides the field names (folded: lower case, no accents).
const ALIASES: &[(&str, LeadColumn)] = &[
    ("opportunity", LeadColumn::Name),
    ("lead", LeadColumn::Name),
    ("ten", LeadColumn::Name),
    ("ho ten", LeadColumn::Name),
    ("ho va ten", LeadColumn::Name),
    ("ten co hoi", LeadColumn::Name),
    ("ten tiem nang", LeadColumn::Name),
    ("名稱", LeadColumn::Name),
    ("商機", LeadColumn::Name),
    ("線索", LeadColumn::Name),
    ("contact", LeadColumn::ContactName),
    ("nguoi lien he", LeadColumn::ContactName),
    ("lien he", LeadColumn::ContactName),
    ("khach hang", LeadColumn::ContactName),
    ("聯絡人", LeadColumn::ContactName),
    ("客戶", LeadColumn::ContactName),
    ("company", LeadColumn::CompanyName),
    ("cong ty", LeadColumn::CompanyName),
    ("公司", LeadColumn::CompanyName),
    ("e-mail", LeadColumn::Email),
    ("電子郵件", LeadColumn::Email),
    ("dien thoai", LeadColumn::Phone),
    ("so dien thoai", LeadColumn::Phone),
    ("電話", LeadColumn::Phone),
    ("di dong", LeadColumn::Mobile),
    ("手機", LeadColumn::Mobile),
    ("chuc vu", LeadColumn::JobPosition),
    ("職稱", LeadColumn::JobPosition),
    ("trang web", LeadColumn::Website),
    ("網站", LeadColumn::Website),
    ("dia chi", LeadColumn::Street),
    ("地址", LeadColumn::Street),
    ("phuong", LeadColumn::Ward),
    ("phuong xa", LeadColumn::Ward),
    ("quan", LeadColumn::District),
    ("quan huyen", LeadColumn::District),
    ("區", LeadColumn::District),
    ("thanh pho", LeadColumn::City),
    ("tinh thanh", LeadColumn::City),
    ("城市", LeadColumn::City),
    ("quoc gia", LeadColumn::Country),
    ("國家", LeadColumn::Country),
    ("revenue", LeadColumn::ExpectedRevenue),
    ("doanh thu", LeadColumn::ExpectedRevenue),
    ("doanh thu du kien", LeadColumn::ExpectedRevenue),
    ("預期營收", LeadColumn::ExpectedRevenue),
    ("金額", LeadColumn::ExpectedRevenue),
    ("tien te", LeadColumn::Currency),
    ("幣別", LeadColumn::Currency),
    ("uu tien", LeadColumn::Priority),
    ("優先等級", LeadColumn::Priority),
    ("closing", LeadColumn::ExpectedClosing),
    ("ngay chot du kien", LeadColumn::ExpectedClosing),
    ("預計成交日", LeadColumn::ExpectedClosing),
    ("notes", LeadColumn::Description),
    ("ghi chu", LeadColumn::Description),
    ("mo ta", LeadColumn::Description),
    ("描述", LeadColumn::Description),
    ("備註", LeadColumn::Description),
    ("the", LeadColumn::Tags),
    ("nhan", LeadColumn::Tags),
    ("標籤", LeadColumn::Tags),
    ("salesperson", LeadColumn::User),
    ("user_id", LeadColumn::User),
    ("nhan vien kinh doanh", LeadColumn::User),
    ("nhan vien", LeadColumn::User),
    ("業務員", LeadColumn::User),
    ("sales team", LeadColumn::Team),
    ("nhom", LeadColumn::Team),
    ("nhom ban hang", LeadColumn::Team),
    ("團隊", LeadColumn::Team),
    ("giai doan", LeadColumn::Stage),
    ("階段", LeadColumn::Stage),
    ("nguon", LeadColumn::Source),
    ("來源", LeadColumn::Source),
    ("kenh", LeadColumn::Medium),
    ("媒介", LeadColumn::Medium),
    ("chien dich", LeadColumn::Campaign),
    ("行銷活動", LeadColumn::Campaign),
];

/// The field a header names, if any: a field name (`contact_name`, "Contact name") or a
/// usual label in vi / zh-TW / en.
pub fn guess_column(header: &str) -> Option<LeadColumn> {
    let folded = fold(header.trim());
    let as_name = folded.replace([' ', '-'], "_");
    LeadColumn::parse(&as_name).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == folded)
            .map(|(_, c)| *c)
    })
}

/// A CSV file read into memory: its header and its non-empty rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on (the header is line 1), for error messages.
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The trimmed text of column `i`, `None` when blank or missing.
    pub fn cell(&self, i: usize) -> Option<&str> {
        self.cells
            .get(i)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

/// Spreadsheets write `;` where the decimal mark is a comma and tabs on "copy"; the header
/// line tells which one this file uses.
fn delimiter(first_line: &str) -> u8 {
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// Reads `bytes` as a UTF-8 CSV with a header line. Refusals say the line.
pub fn read_csv(bytes: &[u8]) -> Result<Table, Invalid> {
    let mut rows = open_csv(bytes)?;
    let header = rows.header.clone();
    let rows = rows.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok(Table { header, rows })
}

/// Opens `bytes` as a UTF-8 CSV with a header line: the header, then the non-empty rows
/// one at a time (an import checks and writes them as they come instead of holding the
/// whole file as strings). A broken row ends the rows with its refusal.
pub fn open_csv(bytes: &[u8]) -> Result<CsvRows<'_>, Invalid> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| Invalid::Csv {
        line: Some(
            1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64,
        ),
    })?;
    let first = text.lines().next().unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(first))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(Invalid::Csv { line: Some(1) });
    }
    Ok(CsvRows {
        header,
        text,
        reader,
        record: csv::StringRecord::new(),
        counted_to: 0,
        line: 1,
        yielded: 0,
        done: false,
    })
}

/// The rows of an opened CSV file (`open_csv`).
pub struct CsvRows<'a> {
    pub header: Vec<String>,
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    /// Lines are counted from byte offsets (the reader's own count skips quoted breaks).
    counted_to: usize,
    line: u64,
    yielded: usize,
    done: bool,
}

impl CsvRows<'_> {
    /// The line a record starting at `byte` is on.
    fn line_at(&mut self, byte: usize) -> u64 {
        let bytes = self.text.as_bytes();
        // A position may point at the `\n` of the previous line's CRLF.
        let mut byte = byte.min(bytes.len());
        while bytes.get(byte).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            byte += 1;
        }
        self.line += bytes[self.counted_to..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.counted_to = byte;
        self.line
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<Row, Invalid>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(csv_error(&e)));
                }
                Ok(true) => {
                    let start = self.record.position().map(|p| p.byte() as usize);
                    let at = self.line_at(start.unwrap_or(0));
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    if self.yielded == MAX_ROWS {
                        self.done = true;
                        return Some(Err(Invalid::Range {
                            min: 1,
                            max: MAX_ROWS as i64,
                        }));
                    }
                    self.yielded += 1;
                    return Some(Ok(Row {
                        line: at,
                        cells: self.record.iter().map(str::to_string).collect(),
                    }));
                }
            }
        }
        None
    }
}

fn csv_error(e: &csv::Error) -> Invalid {
    Invalid::Csv {
        line: e.position().map(|p| p.line()),
    }
}

/// Names in a tags cell: separated by commas or semicolons.
pub fn tag_names(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_three_languages_find_their_fields() {
        assert_eq!(guess_column("Tên cơ hội"), Some(LeadColumn::Name));
        assert_eq!(guess_column("電子郵件"), Some(LeadColumn::Email));
        assert_eq!(
            guess_column("Expected revenue"),
            Some(LeadColumn::ExpectedRevenue)
        );
        assert_eq!(guess_column("contact_name"), Some(LeadColumn::ContactName));
        assert_eq!(guess_column("Giai đoạn"), Some(LeadColumn::Stage));
        assert_eq!(guess_column("shoe size"), None);
    }

    #[test]
    fn a_file_with_a_bom_semicolons_quotes_and_blank_lines_is_read() {
        let csv = "\u{FEFF}name;email;description\r\n\"Áo thun; 200 cái\";mike@sen.tw;\"line one\nline two\"\r\n;;\r\nLinda Wu;;\r\n";
        let t = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(t.header, ["name", "email", "description"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cell(0), Some("Áo thun; 200 cái"));
        assert_eq!(t.rows[0].cell(2), Some("line one\nline two"));
        assert_eq!(t.rows[1].cell(1), None);
        assert_eq!(t.rows[1].line, 5);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_with_their_line() {
        let mut bytes = b"name\nok\n".to_vec();
        bytes.extend([0xff, 0xfe, b'\n']);
        assert_eq!(read_csv(&bytes), Err(Invalid::Csv { line: Some(3) }));
    }

    #[test]
    fn an_empty_file_or_a_blank_header_is_refused() {
        assert_eq!(read_csv(b""), Err(Invalid::Csv { line: Some(1) }));
        assert_eq!(read_csv(b" , \nx,y\n"), Err(Invalid::Csv { line: Some(1) }));
    }

    #[test]
    fn tags_are_split_on_commas_and_semicolons() {
        assert_eq!(
            tag_names("VIP, Mới;重要客戶 ,").collect::<Vec<_>>(),
            ["VIP", "Mới", "重要客戶"]
        );
    }
}
