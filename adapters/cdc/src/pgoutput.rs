//! A decoder of PostgreSQL's `pgoutput` logical replication messages (protocol version 1).
//! Begin, Commit, Relation and Insert are decoded; every other message is recognised and skipped.
//! Never panics: malformed input is an error.

use std::fmt;

/// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01).
pub const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_oid: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub id: u32,
    pub namespace: String,
    pub name: String,
    pub columns: Vec<Column>,
}

/// One column value of a tuple, in PostgreSQL's text format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    /// A TOASTed value not sent because it did not change (never for inserts).
    Unchanged,
    Text(String),
    Binary(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Begin {
        final_lsn: u64,
        commit_time_micros: i64,
        xid: u32,
    },
    Commit {
        commit_lsn: u64,
        end_lsn: u64,
        commit_time_micros: i64,
    },
    Relation(Relation),
    Insert {
        relation_id: u32,
        values: Vec<Value>,
    },
    /// Update, Delete, Truncate, Type, Origin, logical Message: not needed by the relay.
    Skipped(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed pgoutput message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < n {
            return Err(DecodeError(format!("truncated {what}: needed {n} bytes, {} left", self.bytes.len())));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u16(&mut self, what: &str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array(what)?))
    }

    fn i64(&mut self, what: &str) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.array(what)?))
    }

    fn cstring(&mut self, what: &str) -> Result<String, DecodeError> {
        let end = self.bytes.iter().position(|b| *b == 0).ok_or_else(|| DecodeError(format!("unterminated {what}")))?;
        let text = std::str::from_utf8(&self.bytes[..end]).map_err(|_| DecodeError(format!("{what} is not UTF-8")))?;
        self.bytes = &self.bytes[end + 1..];
        Ok(text.to_owned())
    }
}

/// Decodes one pgoutput message (the payload of one XLogData).
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    let mut r = Reader { bytes };
    let tag = r.u8("message tag")?;
    match tag {
        b'B' => Ok(Message::Begin {
            final_lsn: r.u64("begin final LSN")?,
            commit_time_micros: r.i64("begin commit time")?,
            xid: r.u32("begin xid")?,
        }),
        b'C' => {
            let _flags = r.u8("commit flags")?;
            Ok(Message::Commit {
                commit_lsn: r.u64("commit LSN")?,
                end_lsn: r.u64("commit end LSN")?,
                commit_time_micros: r.i64("commit time")?,
            })
        }
        b'R' => decode_relation(&mut r).map(Message::Relation),
        b'I' => {
            let relation_id = r.u32("insert relation id")?;
            match r.u8("insert tuple marker")? {
                b'N' => Ok(Message::Insert { relation_id, values: decode_tuple(&mut r)? }),
                other => Err(DecodeError(format!("insert without a new tuple (marker {other:#04x})"))),
            }
        }
        b'U' | b'D' | b'T' | b'Y' | b'O' | b'M' => Ok(Message::Skipped(tag)),
        other => Err(DecodeError(format!("unknown message tag {other:#04x}"))),
    }
}

fn decode_relation(r: &mut Reader<'_>) -> Result<Relation, DecodeError> {
    let id = r.u32("relation id")?;
    let namespace = r.cstring("relation namespace")?;
    let name = r.cstring("relation name")?;
    let _replica_identity = r.u8("replica identity")?;
    let count = r.u16("column count")?;
    let mut columns = Vec::with_capacity(usize::from(count).min(r.bytes.len()));
    for _ in 0..count {
        let _flags = r.u8("column flags")?;
        let name = r.cstring("column name")?;
        let type_oid = r.u32("column type")?;
        let _type_modifier = r.i32("column type modifier")?;
        columns.push(Column { name, type_oid });
    }
    Ok(Relation { id, namespace, name, columns })
}

fn decode_tuple(r: &mut Reader<'_>) -> Result<Vec<Value>, DecodeError> {
    let count = r.u16("tuple column count")?;
    let mut values = Vec::with_capacity(usize::from(count).min(r.bytes.len()));
    for _ in 0..count {
        let value = match r.u8("tuple column kind")? {
            b'n' => Value::Null,
            b'u' => Value::Unchanged,
            kind @ (b't' | b'b') => {
                let len = r.i32("tuple value length")?;
                let len = usize::try_from(len).map_err(|_| DecodeError(format!("negative value length {len}")))?;
                let raw = r.take(len, "tuple value")?;
                if kind == b't' {
                    Value::Text(
                        String::from_utf8(raw.to_vec()).map_err(|_| DecodeError("text value is not UTF-8".into()))?,
                    )
                } else {
                    Value::Binary(raw.to_vec())
                }
            }
            other => {
                return Err(DecodeError(format!("unknown tuple column kind {other:#04x}")));
            }
        };
        values.push(value);
    }
    Ok(values)
}
