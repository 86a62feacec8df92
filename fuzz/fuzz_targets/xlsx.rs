//! Any bytes read as a workbook, then checked: must not panic, and must stay within
//! the limits of `nianbao_form::limits` (libFuzzer's -rss_limit_mb, -timeout).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = nianbao_files::xlsx::read_bytes(data.to_vec()) {
        let _ = nianbao_form::check::check(decoded, None);
    }
});
