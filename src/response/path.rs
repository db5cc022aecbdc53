//! The field path of a decoding error in a JSON body.
//!
//! serde_json reports only a line and a column. Tracking the path during
//! decoding slows every decode and makes the wasm larger. So the path is
//! found afterwards, for a failed body only, by scanning the text up to
//! the error's position.

enum Frame {
    /// An object, with the key whose value is being read, if any.
    Object(Option<String>),
    /// An array, with the index of the item being read. `started` is false
    /// until the first item begins, because an error right after `[` is
    /// about the array itself.
    Array { item: usize, started: bool },
}

/// Converts a one-based `line` and `column`, as serde_json counts them, to a byte offset.
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(index, _)| index + 1)
    };
    (line_start + column).min(body.len())
}

/// Returns the path of the value at `line` and `column` of `body`, such as
/// `storages.storage[3].size`, or `.` for the top-level value.
/// `whole_object` is true when the error concerns an object as a whole, as a
/// missing field does.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize, whole_object: bool) -> String {
    let end = offset_of(body, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut index = 0;
    while index < end {
        let byte = body[index];
        if let Some(Frame::Array { started: started @ false, .. }) = stack.last_mut() {
            if !byte.is_ascii_whitespace() && byte != b']' {
                *started = true;
            }
        }
        match byte {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array { item: 0, started: false }),
            // serde_json places an error without a position of its own (a
            // missing field, or a last field whose own checks failed) just
            // past its object's closing brace. That object is still the one
            // being read.
            b'}' if index + 1 == end => {
                if let (true, Some(Frame::Object(key))) = (whole_object, stack.last_mut()) {
                    *key = None;
                }
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { item, .. }) => *item += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let start = index + 1;
                index = start;
                while index < body.len() && body[index] != b'"' {
                    index += if body[index] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let raw = &body[start..index.min(body.len())];
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                }
            }
            _ => {}
        }
        index += 1;
    }
    render(&stack)
}

fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) | Frame::Array { started: false, .. } => break,
            Frame::Array { item, .. } => path.push_str(&format!("[{item}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Storage;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Envelope {
        storage: Storage,
    }

    fn path_of_error(body: &str) -> String {
        let error = serde_json::from_str::<Envelope>(body).unwrap_err();
        let whole_object = error.to_string().starts_with("missing field");
        path_at(body.as_bytes(), error.line(), error.column(), whole_object)
    }

    #[test]
    fn names_a_field_with_a_wrong_type() {
        let body = r#"{"storage": {"uuid": "u", "title": "t", "size": "ten", "state": "online"}}"#;
        assert_eq!(path_of_error(body), "storage.size");
    }

    #[test]
    fn names_the_object_that_misses_a_field() {
        assert_eq!(path_of_error(r#"{"storage": {"uuid": "u"}}"#), "storage");
        assert_eq!(path_of_error("{\n  \"storage\": {\n    \"uuid\": \"u\"\n  }\n}"), "storage");
    }

    #[test]
    fn counts_array_items_and_skips_strings() {
        let body = r#"{"storage": {"labels": {"label": [{"key": "a,}]", "value": "b"}, {"key": 5}]}}}"#;
        assert_eq!(path_of_error(body), "storage.labels.label[1].key");
    }

    #[test]
    fn keeps_escaped_quotes_inside_keys_and_values() {
        let body = r#"{"storage": {"title": "say \"hi\"", "size": true}}"#;
        assert_eq!(path_of_error(body), "storage.size");
    }

    #[test]
    fn failed_last_field_named() {
        let body = r#"{"storage": {"uuid": "u", "title": "t", "state": "online", "size": ""}}"#;
        assert_eq!(path_of_error(body), "storage.size");
    }

    #[test]
    fn names_a_field_given_an_array() {
        let body = r#"{"storage": {"uuid": "u", "size": [1], "title": "t"}}"#;
        assert_eq!(path_of_error(body), "storage.size");
    }

    #[test]
    fn survives_positions_past_the_end() {
        assert_eq!(path_at(b"{\"a\": [1, 2", 9, 99, false), "a[1]");
        assert_eq!(path_at(b"", 1, 1, false), ".");
    }
}
