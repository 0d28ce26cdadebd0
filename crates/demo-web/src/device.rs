//! The device a login came from, as its user would name it ("Firefox on
//! Linux"), so that a list of their sessions says which is which.

use std::sync::LazyLock;

static PARSER: LazyLock<woothee::parser::Parser> = LazyLock::new(woothee::parser::Parser::new);

/// Longer `User-Agent` headers are cut before parsing: the names that matter
/// come first, and a header of kilobytes should not cost a login more.
const MAX_AGENT_CHARS: usize = 512;

/// "Browser on system" from a `User-Agent` header; `None` when it names
/// neither (a script, an empty header).
pub fn describe(user_agent: &str) -> Option<String> {
    let agent = match user_agent.char_indices().nth(MAX_AGENT_CHARS) {
        Some((end, _)) => &user_agent[..end],
        None => user_agent,
    };
    let parsed = PARSER.parse(agent)?;
    let known = |value: &str| value != woothee::woothee::VALUE_UNKNOWN && !value.is_empty();
    let (name, os) = (current_name(parsed.name), current_name(parsed.os));
    match (known(name), known(os)) {
        (true, true) => Some(format!("{name} on {os}")),
        (true, false) => Some(name.to_owned()),
        (false, true) => Some(os.to_owned()),
        (false, false) => None,
    }
}

/// A name as its maker spells it today. A `User-Agent` cannot tell Windows 11
/// from 10: both send "Windows NT 10.0".
fn current_name(name: &str) -> &str {
    match name {
        "Mac OSX" => "macOS",
        "Windows 10" | "Windows UNKNOWN Ver" => "Windows",
        "SamsungBrowser" => "Samsung Internet",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_browser_and_system() {
        for (agent, expected) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/156.0.0.0 Safari/537.36",
                Some("Chrome on Linux"),
            ),
            (
                "Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0",
                Some("Firefox on Android"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
                Some("Safari on iPhone"),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                Some("Safari on macOS"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                 Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0",
                Some("Edge on Windows"),
            ),
            ("curl/8.14.1", Some("HTTP Library")),
            ("", None),
            ("-", None),
            ("x".repeat(100_000).as_str(), None),
        ] {
            assert_eq!(describe(agent).as_deref(), expected, "{agent:.60}");
        }
    }
}
