//! Page tokens and sizes: a token is the opaque form of the last `seq` served.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// Items per page when the caller does not say.
pub const DEFAULT_LIMIT: i64 = 100;
/// The most items one page may hold.
pub const MAX_LIMIT: i64 = 1000;

/// The page asked for: fetch `limit + 1` rows before `before_seq` to know whether more follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub before_seq: i64,
    pub limit: i64,
}

impl PageRequest {
    pub fn parse(limit: Option<u32>, token: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.map_or(DEFAULT_LIMIT, i64::from);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!("limit must be between 1 and {MAX_LIMIT}")));
        }
        let before_seq = match token {
            None | Some("") => i64::MAX,
            Some(token) => URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| text.strip_prefix("seq:").and_then(|seq| seq.parse().ok()))
                .ok_or_else(|| {
                    ApiError::bad_request("paginationToken is not a token this server issued")
                })?,
        };
        Ok(Self { before_seq, limit })
    }

    /// Rows to fetch.
    pub fn fetch(self) -> i64 {
        self.limit + 1
    }

    /// Trims the extra row and gives the next token when there are more.
    pub fn finish<T>(self, mut rows: Vec<T>, seq: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > self.limit;
        rows.truncate(usize::try_from(self.limit).unwrap_or(usize::MAX));
        let next = more
            .then(|| rows.last().map(|row| URL_SAFE_NO_PAD.encode(format!("seq:{}", seq(row)))))
            .flatten();
        (rows, next)
    }
}
