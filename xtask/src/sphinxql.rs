//! Just enough of the MySQL client protocol (4.1, text queries) to talk SphinxQL: the handshake
//! with no password (searchd does not check one), `COM_QUERY`, and the result sets of a batch of
//! statements read as rows of strings. Std only, as the rest of the xtask.

use std::{
    io::{self, BufReader, Read, Write},
    net::TcpStream,
};

const CLIENT_PROTOCOL_41: u32 = 0x0200;
const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
const CLIENT_MULTI_STATEMENTS: u32 = 0x0001_0000;
const CLIENT_MULTI_RESULTS: u32 = 0x0002_0000;
const SERVER_MORE_RESULTS_EXISTS: u16 = 0x0008;
const UTF8_GENERAL_CI: u8 = 33;
const COM_QUERY: u8 = 0x03;

/// One result set: its rows, each a list of values (`None` for NULL).
pub(crate) type Rows = Vec<Vec<Option<String>>>;

pub(crate) struct Connection {
    stream: BufReader<TcpStream>,
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl Connection {
    pub(crate) fn open(address: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(address)?;
        stream.set_nodelay(true)?;
        // A benchmark must not hang on an answer that never comes.
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        let mut connection = Connection { stream: BufReader::new(stream) };
        let (_, greeting) = connection.read_packet()?;
        if greeting.first() != Some(&10) {
            return Err(invalid(format!("not a MySQL protocol 10 greeting: {greeting:?}")));
        }
        let mut reply = Vec::with_capacity(64);
        let capabilities = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS;
        reply.extend_from_slice(&capabilities.to_le_bytes());
        reply.extend_from_slice(&(16u32 << 20).to_le_bytes());
        reply.push(UTF8_GENERAL_CI);
        reply.extend_from_slice(&[0; 23]);
        reply.extend_from_slice(b"bench\0");
        reply.push(0); // no password
        connection.write_packet(1, &reply)?;
        let (_, answer) = connection.read_packet()?;
        match answer.first() {
            Some(0) => Ok(connection),
            _ => Err(error_of(&answer)),
        }
    }

    /// Sends `sql` (one statement or several separated by `;`) and reads every result set.
    pub(crate) fn query(&mut self, sql: &str) -> io::Result<Vec<Rows>> {
        let mut command = Vec::with_capacity(sql.len() + 1);
        command.push(COM_QUERY);
        command.extend_from_slice(sql.as_bytes());
        self.write_packet(0, &command)?;
        let mut results = Vec::new();
        loop {
            let (_, first) = self.read_packet()?;
            let more = match first.first() {
                Some(0) => {
                    // OK: a statement without rows; its status follows two length-encoded ints.
                    let mut at = 1;
                    length_encoded(&first, &mut at)?;
                    length_encoded(&first, &mut at)?;
                    let status = first.get(at..at + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
                    results.push(Vec::new());
                    status & SERVER_MORE_RESULTS_EXISTS != 0
                }
                Some(0xFF) => return Err(error_of(&first)),
                _ => {
                    let columns = length_encoded(&first, &mut 0)?;
                    for _ in 0..columns {
                        self.read_packet()?;
                    }
                    let (_, eof) = self.read_packet()?;
                    if !is_eof(&eof) {
                        return Err(invalid("no EOF after the column definitions".into()));
                    }
                    let mut rows = Vec::new();
                    let status = loop {
                        let (_, packet) = self.read_packet()?;
                        if is_eof(&packet) {
                            break packet.get(3..5).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
                        }
                        if packet.first() == Some(&0xFF) {
                            return Err(error_of(&packet));
                        }
                        let mut at = 0;
                        let mut row = Vec::with_capacity(columns as usize);
                        while at < packet.len() {
                            if packet[at] == 0xFB {
                                at += 1;
                                row.push(None);
                                continue;
                            }
                            let len = length_encoded(&packet, &mut at)? as usize;
                            let value = packet.get(at..at + len).ok_or_else(|| invalid("a value past the row's end".into()))?;
                            row.push(Some(String::from_utf8_lossy(value).into_owned()));
                            at += len;
                        }
                        rows.push(row);
                    };
                    results.push(rows);
                    status & SERVER_MORE_RESULTS_EXISTS != 0
                }
            };
            if !more {
                return Ok(results);
            }
        }
    }

    fn read_packet(&mut self) -> io::Result<(u8, Vec<u8>)> {
        let mut header = [0u8; 4];
        self.stream.read_exact(&mut header)?;
        let len = usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        let mut payload = vec![0; len];
        self.stream.read_exact(&mut payload)?;
        Ok((header[3], payload))
    }

    fn write_packet(&mut self, sequence: u8, payload: &[u8]) -> io::Result<()> {
        let len = u32::try_from(payload.len()).map_err(|_| invalid("packet too long".into()))?.to_le_bytes();
        let mut packet = Vec::with_capacity(payload.len() + 4);
        packet.extend_from_slice(&[len[0], len[1], len[2], sequence]);
        packet.extend_from_slice(payload);
        self.stream.get_mut().write_all(&packet)
    }
}

fn is_eof(packet: &[u8]) -> bool {
    packet.first() == Some(&0xFE) && packet.len() < 9
}

fn error_of(packet: &[u8]) -> io::Error {
    let code = packet.get(1..3).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
    // After the code: '#' and a five-letter SQL state (protocol 4.1), then the message.
    let message = if packet.get(3) == Some(&b'#') { packet.get(9..) } else { packet.get(3..) };
    invalid(format!("SphinxQL error {code}: {}", String::from_utf8_lossy(message.unwrap_or_default())))
}

fn length_encoded(packet: &[u8], at: &mut usize) -> io::Result<u64> {
    let byte = |i: usize| packet.get(i).copied().map(u64::from).ok_or_else(|| invalid("a truncated length".into()));
    let first = byte(*at)?;
    let width = match first {
        0..=0xFA => {
            *at += 1;
            return Ok(first);
        }
        0xFC => 2,
        0xFD => 3,
        0xFE => 8,
        _ => return Err(invalid(format!("not a length: {first:#x}"))),
    };
    let mut value = 0;
    for i in 0..width {
        value |= byte(*at + 1 + i)? << (8 * i);
    }
    *at += 1 + width;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_read_in_each_width() {
        let mut at = 0;
        let packet = [0x05, 0xFC, 0x34, 0x12, 0xFD, 1, 2, 3, 0xFE, 1, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(length_encoded(&packet, &mut at).ok(), Some(5));
        assert_eq!(length_encoded(&packet, &mut at).ok(), Some(0x1234));
        assert_eq!(length_encoded(&packet, &mut at).ok(), Some(0x030201));
        assert_eq!(length_encoded(&packet, &mut at).ok(), Some(0x0100_0000_0000_0001));
        assert_eq!(at, packet.len());
        assert!(length_encoded(&[0xFC, 1], &mut 0).is_err());
    }
}
