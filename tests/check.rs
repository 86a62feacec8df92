//! `nianbao check` on real files: one failing input per rule and per input problem,
//! asserting the rule id, the place, the line and the exit status.

mod common;

use common::*;

const Y2021: &str = "qinghe-2023.yaml";
const Y2019: &str = "xiayi-2020.yaml";

#[test]
fn every_example_passes() {
    for name in ["xiayi-2020.yaml", "qinghe-2022.yaml", "qinghe-2023.yaml"] {
        let o = run(&["check", example(name).to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains("通过核对"), "{}", stdout(&o));
    }
}

#[test]
fn the_2021_example_passes_against_its_previous_year_even_strictly() {
    let o = run(&[
        "check",
        "--strict",
        "--previous",
        example("qinghe-2022.yaml").to_str().unwrap(),
        example(Y2021).to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

// ------------------------------------------------------------ arithmetic rules

#[test]
fn r1_per_column_incoming_equals_handled_plus_carried_forward() {
    let text = edit(Y2021, "carried_forward:   [40,", "carried_forward:   [41,");
    let c = check_text("r.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    // One defect, one error: located at 结转下年度 (the 总计 column's failure is its
    // consequence), with 新收 and 上年结转 offered as the other cells that would explain it.
    assert_eq!(c.diags.len(), 1, "{:#?}", c.diags);
    let d = c.one("R1");
    assert_eq!(d["path"], "applications.carried_forward[0]");
    assert_eq!(d["line"], c.line_of("carried_forward:"));
    assert_eq!(d["place"], "表三 “四、结转下年度继续办理” 行 “自然人” 列");
    assert_eq!(d["expected"], "40");
    assert_eq!(d["found"], "41");
    assert_eq!(d["severity"], "error");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("多计 1"), "{message}");
    assert!(message.contains("= 2046，但"), "{message}");
    assert!(d["hint"].as_str().unwrap().contains("一、本年新收"), "{d}");
}

#[test]
fn r3_a_written_row_total_must_equal_the_row_sum() {
    let text = edit(
        Y2021,
        "[2008, 411, 91, 109, 197, 127]",
        "[2008, 411, 91, 109, 197, 127, 2944]",
    );
    let c = check_text("r.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("R3");
    assert_eq!(d["path"], "applications.new[6]");
    assert_eq!(d["line"], c.line_of("  new:"));
    assert_eq!(
        d["place"],
        "表三 “一、本年新收政府信息公开申请数量” 行 “总计” 列"
    );
    assert_eq!(d["expected"], "2943");
    assert_eq!(d["found"], "2944");
    assert!(d["message"].as_str().unwrap().contains("2944"));
}

#[test]
fn r4_a_written_grand_total_must_equal_the_sum_of_all_results() {
    let text = edit(
        Y2021,
        "[2006, 406, 90, 107, 194, 125, 2928]",
        "[2007, 406, 90, 107, 194, 125, 2929]",
    );
    let c = check_text("r.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("R4");
    assert_eq!(d["path"], "applications.total[0]");
    assert_eq!(d["line"], c.line_of("  total:"));
    assert_eq!(d["place"], "表三 “（七）总计” 行 “自然人” 列");
    assert_eq!(d["expected"], "2006");
    assert_eq!(d["found"], "2007");
    // The row itself adds up, and R1 is computed from the counts: nothing else fires.
    assert_eq!(c.diags.len(), 1, "{:#?}", c.diags);
}

#[test]
fn r5_a_written_review_total_must_equal_its_four_results() {
    let text = edit(Y2021, "[25, 7, 11, 4, 47]", "[25, 7, 11, 4, 48]");
    let c = check_text("r.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("R5");
    assert_eq!(d["path"], "reviews_and_lawsuits.review[4]");
    assert_eq!(d["line"], c.line_of("  review:"));
    assert_eq!(d["place"], "表四 “行政复议·总计” 列");
    assert_eq!(d["expected"], "47");
    assert_eq!(d["found"], "48");
}

#[test]
fn r5_names_the_lawsuit_block() {
    let text = edit(Y2021, "[9, 3, 2, 2, 16]", "[9, 3, 2, 2, 15]");
    let d = check_text("r.yaml", &text, &[]).one("R5").clone();
    assert_eq!(d["place"], "表四 “行政诉讼·未经复议直接起诉·总计” 列");
}

fn with_previous(text: &str, previous: &str, strict: bool) -> Checked {
    let mut extra = vec!["--previous", previous];
    if strict {
        extra.push("--strict");
    }
    check_text("this.yaml", text, &extra)
}

#[test]
fn r6_carried_over_must_equal_last_years_carried_forward() {
    // 上年结转 +1 and 本年新收 −1 keep R1 true: only the cross-year rule can see it.
    let text = edit(Y2021, "[38, 7, 2, 1, 2, 2]", "[39, 7, 2, 1, 2, 2]").replacen(
        "[2008, 411,",
        "[2007, 411,",
        1,
    );
    let prev = example("qinghe-2022.yaml");
    let c = with_previous(&text, prev.to_str().unwrap(), false);
    assert_eq!(c.code, 0, "warnings only: {:#?}", c.diags);
    let d = c.one("R6");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "applications.carried_over[0]");
    assert_eq!(d["line"], c.line_of("carried_over:"));
    assert_eq!(
        d["place"],
        "表三 “二、上年结转政府信息公开申请数量” 行 “自然人” 列"
    );
    assert_eq!(d["expected"], "38");
    assert_eq!(d["found"], "39");
    assert_eq!(with_previous(&text, prev.to_str().unwrap(), true).code, 1);
}

#[test]
fn r7_stock_of_documents_in_force_follows_last_year() {
    let text = edit(Y2021, "in_force: 12}", "in_force: 13}");
    let prev = example("qinghe-2022.yaml");
    let c = with_previous(&text, prev.to_str().unwrap(), false);
    assert_eq!(c.code, 0);
    let d = c.one("R7");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "active_disclosure.regulations.in_force");
    assert_eq!(d["line"], c.line_of("regulations:"));
    assert_eq!(d["place"], "表二 “规章” 行 “现行有效件数” 列");
    assert_eq!(d["expected"], "12");
    assert_eq!(d["found"], "13");
    assert_eq!(with_previous(&text, prev.to_str().unwrap(), true).code, 1);
    // Without the previous year there is nothing to compare.
    assert!(check_text("this.yaml", &text, &[]).diags.is_empty());
}

#[test]
fn r8_items_of_the_2019_table_follow_last_year() {
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("2019.yaml");
    std::fs::write(&prev, edit(Y2019, "year: 2020", "year: 2019")).unwrap();
    let text = edit(
        Y2019,
        "{previous: 1, change: 0, decisions: 0}",
        "{previous: 2, change: 0, decisions: 0}",
    );
    let c = with_previous(&text, prev.to_str().unwrap(), false);
    assert_eq!(c.code, 0);
    let d = c.one("R8");
    assert_eq!(d["path"], "active_disclosure.licensing.previous");
    assert_eq!(d["line"], c.line_of("licensing:"));
    assert_eq!(d["place"], "表二 “行政许可” 行 “上一年项目数量” 列");
    assert_eq!(d["expected"], "1");
    assert_eq!(d["found"], "2");
    assert_eq!(with_previous(&text, prev.to_str().unwrap(), true).code, 1);
}

#[test]
fn a_previous_file_of_the_wrong_year_is_said_and_not_compared() {
    let text = edit(Y2021, "in_force: 12}", "in_force: 13}");
    let c = with_previous(&text, example(Y2021).to_str().unwrap(), false);
    assert_eq!(c.one("previous")["severity"], "warning");
    assert!(c.rule("R7").is_empty());
}

// ------------------------------------------------------------ input problems

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let text = edit(
        Y2021,
        "organ: 青禾市市场监督管理局",
        "organ: [青禾市市场监督管理局",
    );
    let c = check_text("s.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("syntax");
    assert!(d["line"].as_u64().unwrap() >= c.line_of("organ:"));
    assert!(d["column"].as_u64().is_some());
    assert!(d["message"].as_str().unwrap().starts_with("YAML 语法错误"));
}

#[test]
fn json_syntax_error_has_line_and_column() {
    let c = check_text(
        "s.json",
        "{\n  \"edition\": \"2021\",\n  \"year\": 2023,\n}\n",
        &[],
    );
    assert_eq!(c.code, 1);
    let d = c.one("syntax");
    // The trailing comma after 2023.
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 15);
    assert!(d["message"].as_str().unwrap().starts_with("JSON 语法错误"));
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let c = check_text("s.toml", "edition = \"2021\"\nyear 2023\n", &[]);
    assert_eq!(c.code, 1);
    let d = c.one("syntax");
    assert_eq!(d["line"], 2);
    assert!(d["message"].as_str().unwrap().starts_with("TOML 语法错误"));
}

#[test]
fn unknown_key_gets_the_closest_valid_key_as_hint() {
    let text = edit(Y2021, "  granted:", "  granted_:");
    let c = check_text("k.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("unknown-key");
    assert_eq!(d["path"], "applications.granted_");
    assert_eq!(d["line"], c.line_of("granted_:"));
    assert_eq!(d["hint"], "是否想写 “granted”？");
    // A typo must never silently become a zero: the misspelt row is not read at all.
    assert!(!c.rule("R1").is_empty());
}

#[test]
fn unknown_top_level_key() {
    let text = edit(Y2021, "organ: 青禾", "orgn: 青禾");
    let c = check_text("k.yaml", &text, &[]);
    let d = c.one("unknown-key");
    assert_eq!(d["path"], "orgn");
    assert_eq!(d["hint"], "是否想写 “organ”？");
    assert_eq!(c.one("missing-key")["path"], "organ");
}

#[test]
fn a_2021_row_in_a_2019_report_says_which_edition_it_belongs_to() {
    let text = edit(
        Y2019,
        "  other:           [0, 0, 0, 0, 0, 0, 0]",
        "  other:\n    unpaid_fees: [0, 0, 0, 0, 0, 0]",
    );
    let c = check_text("e.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("other-edition-key");
    assert_eq!(d["path"], "applications.other.unpaid_fees");
    assert_eq!(d["line"], c.line_of("unpaid_fees:"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("只在 2021 版中存在"),
        "{d}"
    );
}

#[test]
fn a_2019_row_in_a_2021_report_says_which_edition_it_belongs_to() {
    let text = edit(
        Y2021,
        "  licensing: 20517",
        "  licensing: 20517\n  other_services: {previous: 4, change: 0, decisions: 0}",
    );
    let c = check_text("e.yaml", &text, &[]);
    let d = c.one("other-edition-key");
    assert_eq!(d["path"], "active_disclosure.other_services");
    assert_eq!(d["line"], c.line_of("other_services:"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("只在 2019 版中存在")
    );
}

#[test]
fn the_2021_form_of_a_2019_item_is_named() {
    let text = edit(Y2019, "{previous: 1, change: 0, decisions: 0}", "5");
    let c = check_text("e.yaml", &text, &[]);
    let d = c.one("type");
    assert_eq!(d["path"], "active_disclosure.licensing");
    assert!(d["hint"].as_str().unwrap().contains("2021 版的写法"));
}

#[test]
fn missing_keys_are_named() {
    let text = edit(
        Y2021,
        "  licensing: 20517      # 行政许可：本年处理决定数量\n",
        "",
    );
    let c = check_text("m.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("missing-key");
    assert_eq!(d["path"], "active_disclosure.licensing");
    assert_eq!(d["line"], c.line_of("regulations:"));

    let text = edit(Y2021, "problems:\n", "problems_:\n");
    let c = check_text("m.yaml", &text, &[]);
    assert_eq!(c.one("missing-key")["path"], "problems");
}

#[test]
fn a_left_out_row_of_table_three_is_zeros() {
    // 2019 example: every count is 0, so dropping a row changes nothing.
    let text = edit(Y2019, "    duplicate:    [0, 0, 0, 0, 0, 0, 0]\n", "");
    assert_eq!(check_text("z.yaml", &text, &[]).code, 0);
}

#[test]
fn duplicate_key() {
    let text = edit(Y2021, "year: 2023\n", "year: 2023\nyear: 2024\n");
    let c = check_text("d.yaml", &text, &[]);
    let d = c.one("duplicate-key");
    assert_eq!(d["path"], "year");
    assert_eq!(d["line"], c.line_of("year: 2024"));
}

#[test]
fn row_with_the_wrong_number_of_values() {
    let text = edit(Y2021, "[25, 7, 11, 4, 47]", "[25, 7, 11]");
    let c = check_text("l.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("row-length");
    assert_eq!(d["path"], "reviews_and_lawsuits.review");
    assert_eq!(d["line"], c.line_of("  review:"));
    assert_eq!(d["expected"], "4");
    assert_eq!(d["found"], "3");
    assert_eq!(
        d["hint"],
        "每行依次为：结果维持、结果纠正、其他结果、尚未审结，可再加总计"
    );
}

fn bad_count(replacement: &str) -> Checked {
    let text = edit(
        Y2021,
        "[561, 126, 23, 33, 60, 33]",
        &format!("[{replacement}, 126, 23, 33, 60, 33]"),
    );
    check_text("n.yaml", &text, &[])
}

#[test]
fn negative_count() {
    let c = bad_count("-561");
    assert_eq!(c.code, 1);
    let d = c.one("negative");
    assert_eq!(d["path"], "applications.granted[0]");
    assert_eq!(d["line"], c.line_of("  granted:"));
    // The unreadable row is left out of the arithmetic instead of giving false R1 errors.
    assert!(c.rule("R1").is_empty(), "{:#?}", c.diags);
}

#[test]
fn fractional_count() {
    let d = bad_count("561.5").one("fractional").clone();
    assert_eq!(d["path"], "applications.granted[0]");
}

#[test]
fn non_numeric_counts() {
    // A quoted number means the number: read, with a warning that names the quotes
    // (README: "Numbers as clerks type them").
    let c = bad_count("\"561\"");
    assert_eq!(c.code, 0);
    let d = c.one("number-format");
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"].as_str().unwrap().contains("数字加了引号"),
        "{d}"
    );
    let c = bad_count("\"—\"");
    assert_eq!(
        c.one("not-a-number")["hint"],
        "没有数据请填 0（不要填 “—”、“/” 或 “无”）"
    );
    let c = bad_count("许多");
    assert_eq!(c.one("not-a-number")["path"], "applications.granted[0]");
    let c = bad_count("null");
    assert_eq!(c.one("not-a-number")["hint"], "没有数量时填 0");
}

#[test]
fn overflowing_count() {
    let d = bad_count("99999999999999999999").one("overflow").clone();
    assert_eq!(d["path"], "applications.granted[0]");
}

#[test]
fn money_is_a_plain_decimal() {
    // Thousands separators are read, with a warning; a misplaced one is an error.
    let text = edit(Y2021, "fees: \"1187.30\"", "fees: \"1,187.30\"");
    let c = check_text("f.yaml", &text, &[]);
    let d = c.one("number-format");
    assert_eq!(d["path"], "active_disclosure.fees");
    assert!(
        d["message"].as_str().unwrap().contains("已按 1187.30 读取"),
        "{d}"
    );
    let text = edit(Y2021, "fees: \"1187.30\"", "fees: \"11,87.30\"");
    let c = check_text("f.yaml", &text, &[]);
    let d = c.one("money");
    assert_eq!(d["path"], "active_disclosure.fees");
    assert_eq!(d["line"], c.line_of("fees:"));
    let text = edit(Y2021, "fees: \"1187.30\"", "fees: -3");
    assert_eq!(
        check_text("f.yaml", &text, &[]).one("money")["path"],
        "active_disclosure.fees"
    );
}

#[test]
fn unsupported_edition() {
    let text = edit(Y2021, "edition: \"2021\"", "edition: \"2020\"");
    let c = check_text("e.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("edition");
    assert_eq!(d["line"], c.line_of("edition:"));
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("国办公开办函〔2021〕30号")
    );
}

#[test]
fn implausible_year() {
    for y in ["1999", "20230"] {
        let text = edit(Y2021, "year: 2023", &format!("year: {y}"));
        let c = check_text("y.yaml", &text, &[]);
        assert_eq!(c.code, 1);
        assert_eq!(c.one("year")["line"], c.line_of("year:"));
    }
}

#[test]
fn edition_must_fit_the_year() {
    let text = edit(Y2019, "year: 2020", "year: 2022");
    let c = check_text("e.yaml", &text, &[]);
    assert_eq!(c.code, 1);
    let d = c.one("edition-year");
    assert!(d["hint"].as_str().unwrap().contains("2021 版"));
}

#[test]
fn impossible_date() {
    let text = edit(Y2021, "date: 2024-01-18", "date: 2024-02-30");
    let c = check_text("d.yaml", &text, &[]);
    let d = c.one("date");
    assert_eq!(d["path"], "signature.date");
    assert_eq!(d["line"], c.line_of("date: 2024-02-30"));
}

#[test]
fn wrong_type() {
    let text = edit(
        Y2021,
        "organ: 青禾市市场监督管理局",
        "organ: [青禾市市场监督管理局]",
    );
    let c = check_text("t.yaml", &text, &[]);
    let d = c.one("type");
    assert_eq!(d["path"], "organ");
}

// ------------------------------------------------------------ expressions

fn expression(replacement: &str) -> Checked {
    let text = edit(Y2021, "{{applications.new.total}}", replacement);
    check_text("x.yaml", &text, &[])
}

#[test]
fn expression_with_an_unknown_name() {
    let c = expression("{{applications.new.totl}}");
    assert_eq!(c.code, 1);
    let d = c.one("expression");
    assert_eq!(d["path"], "overview[2].text");
    assert_eq!(d["line"], c.line_of("applications.new.totl"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("applications.new.totl")
    );
    assert_eq!(d["hint"], "是否想写 “applications.new.total”？");
}

#[test]
fn expression_naming_a_whole_row() {
    let d = expression("{{applications.new}}").one("expression").clone();
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("applications.new.natural_person")
    );
}

#[test]
fn helpers_partials_and_triple_stash_are_rejected() {
    for bad in [
        "{{#if year}}1{{/if}}",
        "{{> footer}}",
        "{{{organ}}}",
        "{{lookup applications 0}}",
        "{{#each applications}}x{{/each}}",
    ] {
        let c = expression(bad);
        assert_eq!(c.code, 1, "{bad}");
        assert_eq!(c.rule("expression").len(), 1, "{bad}: {:#?}", c.diags);
    }
}

#[test]
fn broken_expression_syntax() {
    let c = expression("{{applications.new.total");
    assert_eq!(c.one("expression")["path"], "overview[2].text");
}

// ------------------------------------------------------------ the command

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = edit(Y2021, "  granted:", "  granted_:")
        .replacen("[25, 7, 11, 4, 47]", "[25, 7, 11, 4, 48]", 1)
        .replacen("year: 2023", "year: 2023\nyear: 2023", 1)
        .replacen("fees: \"1187.30\"", "fees: x", 1);
    let c = check_text("all.yaml", &text, &[]);
    for rule in ["unknown-key", "R5", "duplicate-key", "money"] {
        assert!(!c.rule(rule).is_empty(), "{rule} missing: {:#?}", c.diags);
    }
    // Sorted by line.
    let lines: Vec<u64> = c.diags.iter().filter_map(|d| d["line"].as_u64()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn text_output_names_file_line_rule_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    let text = edit(Y2021, "[25, 7, 11, 4, 47]", "[25, 7, 11, 4, 48]");
    std::fs::write(&path, &text).unwrap();
    let o = run(&["check", path.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let line = line_of(&text, "  review:");
    assert!(
        out.contains(&format!("bad.yaml:{line}:"))
            && out.contains("错误[R5] 表四 “行政复议·总计” 列"),
        "{out}"
    );
    assert!(out.contains("1 个错误，0 个警告"), "{out}");
}

#[test]
fn json_output_is_a_stable_array() {
    let text = edit(Y2021, "[25, 7, 11, 4, 47]", "[25, 7, 11, 4, 48]");
    let c = check_text("j.yaml", &text, &[]);
    let d = c.one("R5");
    for field in [
        "file", "severity", "rule", "path", "line", "column", "message", "hint", "place",
        "expected", "found",
    ] {
        assert!(d.get(field).is_some(), "field {field} missing in {d}");
    }
    assert!(d["file"].as_str().unwrap().ends_with("j.yaml"));
    // A passing file gives an empty array.
    let o = run(&[
        "check",
        "--format",
        "json",
        example(Y2021).to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn unreadable_files_and_bad_command_lines_exit_2() {
    let o = run(&["check", "/nonexistent/report.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("无法读取文件"), "{}", stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("report.txt");
    std::fs::write(&txt, "edition: 2021").unwrap();
    let o = run(&["check", txt.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("无法识别的文件类型"));

    let o = run(&["check"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("命令行参数有误"));
    let o = run(&["check", "--format", "xml", example(Y2021).to_str().unwrap()]);
    assert_eq!(code(&o), 2);
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let o = run(&[
        "check",
        "/nonexistent/a.yaml",
        example(Y2021).to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("qinghe-2023.yaml：通过核对"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_in_last_years_file_are_notes_and_do_not_fail_this_years_check() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("last.yaml");
    std::fs::write(
        &last,
        edit("qinghe-2022.yaml", "licensing: 18342", "licensing: -5"),
    )
    .unwrap();
    let current = example("qinghe-2023.yaml");
    let o = run(&[
        "check",
        "--previous",
        last.to_str().unwrap(),
        current.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let diags: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let about_last: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| d["file"].as_str().unwrap().ends_with("last.yaml"))
        .collect();
    assert!(!about_last.is_empty());
    assert!(
        about_last.iter().all(|d| d["severity"] == "note"),
        "{about_last:?}"
    );
    assert!(
        about_last.iter().any(|d| d["rule"] == "negative"),
        "{about_last:?}"
    );
    // Strict too: notes never fail.
    let o = run(&[
        "check",
        "--strict",
        "--previous",
        last.to_str().unwrap(),
        current.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("说明[negative]"), "{}", stdout(&o));
}
