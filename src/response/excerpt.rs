//! A short plain-text excerpt of a non-JSON error body.

/// The maximum excerpt length, in characters.
pub const MAX_EXCERPT_CHARS: usize = 200;

/// Turns a body into at most [`MAX_EXCERPT_CHARS`] characters of text: invalid
/// UTF-8 replaced, HTML tags and `<script>`/`<style>` contents dropped,
/// whitespace collapsed.
pub fn text_excerpt(body: &[u8]) -> String {
    // Only the start of a body matters; bound the work on huge pages.
    let head = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);

    let mut visible = String::new();
    let mut rest: &str = &text;
    while let Some(open) = rest.find('<') {
        visible.push_str(&rest[..open]);
        visible.push(' ');
        let tag = &rest[open..];
        let skip_until = ["<script", "<style"]
            .iter()
            .find(|name| {
                // Compared as bytes: the tag may continue with a multi-byte character.
                tag.as_bytes()
                    .get(..name.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(name.as_bytes()))
            })
            .map(|name| format!("</{}", &name[1..]));
        rest = match skip_until {
            Some(closing) => match find_ignore_case(tag, &closing) {
                Some(end) => after_tag_end(&tag[end..]),
                None => "",
            },
            None => after_tag_end(tag),
        };
    }
    visible.push_str(rest);

    let collapsed = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_chars(&collapsed, MAX_EXCERPT_CHARS)
}

fn after_tag_end(tag: &str) -> &str {
    match tag.find('>') {
        Some(end) => &tag[end + 1..],
        None => "",
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let lower = haystack.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase())
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_page_reduced_to_text() {
        let body = b"<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>\n<body><h1>502  Bad\nGateway</h1><script>var x = '<b>';</script><hr><center>nginx</center></body></html>";
        assert_eq!(text_excerpt(body), "502 Bad Gateway 502 Bad Gateway nginx");
    }

    #[test]
    fn long_bodies_truncated() {
        let body = "é".repeat(500);
        let excerpt = text_excerpt(body.as_bytes());
        assert_eq!(excerpt.chars().count(), MAX_EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
    }

    #[test]
    fn odd_input_never_panics() {
        assert_eq!(text_excerpt(b""), "");
        assert_eq!(text_excerpt(b"<"), "");
        assert_eq!(text_excerpt(b"<script"), "");
        assert_eq!(text_excerpt(b"a<b"), "a");
        assert_eq!(text_excerpt(&[0xff, 0xfe, b'x']), "\u{fffd}\u{fffd}x");
        assert_eq!(text_excerpt(b"Too Many Requests\r\n"), "Too Many Requests");
        assert_eq!(text_excerpt("<é>x<scrïpt>y".as_bytes()), "x y");
    }
}
