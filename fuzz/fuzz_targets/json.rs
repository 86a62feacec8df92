//! Any text read as a Json report, then checked: must not panic, and must stay within
//! the limits of `nianbao_form::limits` (libFuzzer's -rss_limit_mb, -timeout).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_files::parse::Format;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let decoded = nianbao_files::read::read_str(text, Format::Json);
        let _ = nianbao_form::check::check(decoded, None);
    }
});
