//! `thematic serve`: the real binary on a free port, driven over plain HTTP.

use crate::util::{Dir, FIXTURE_BEN};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The running server; killed when dropped, even when a test fails.
pub struct Server {
    child: Child,
    pub port: u16,
    pub token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Dir) -> Server {
    serve_at(dir.path())
}

/// `thematic serve --coder ben` on a folder, with the port and token it printed.
pub fn serve_at(folder: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(["serve", "--port", "0", "--coder", "ben", "-p"])
        .arg(folder)
        .env_remove("THEMATIC_CODER")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    let mut server = Server {
        child,
        port: 0,
        token: String::new(),
    };
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let rest = line
        .trim()
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("a URL on 127.0.0.1, not {line:?}"));
    let (port, token) = rest.split_once("/?token=").unwrap();
    server.port = port.parse().unwrap();
    server.token = token.to_string();
    assert_eq!(server.token.len(), 32);
    server
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Server {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A request with the token in the query and the right `Host`.
    fn call(&self, method: &str, path: &str, body: &str) -> Reply {
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}token={}", self.token);
        self.raw(method, &path, &[("Host", &self.host())], body)
    }

    fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
        Reply {
            status: head[9..12].parse().unwrap(),
            head: head.to_string(),
            body: body.to_string(),
        }
    }
}

fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("JSON ({e}): {}", r.body))
}

/// Character offsets of the `nth` (1-based) occurrence of `quote` in a document's text.
fn range(server: &Server, doc: &str, quote: &str, nth: usize) -> (usize, usize) {
    let text = json(&server.call("GET", &format!("/api/documents/{doc}"), ""))["text"]
        .as_str()
        .unwrap()
        .to_string();
    let byte = text.match_indices(quote).nth(nth - 1).unwrap().0;
    let start = text[..byte].chars().count();
    (start, start + quote.chars().count())
}

#[test]
fn a_request_without_the_right_token_is_refused() {
    let dir = Dir::project();
    let server = serve(&dir);
    let host = server.host();
    let r = server.raw("GET", "/api/documents", &[("Host", &host)], "");
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(json(&r)["error"].as_str().unwrap().contains("token"));
    let r = server.raw("GET", "/api/documents?token=0123", &[("Host", &host)], "");
    assert_eq!(r.status, 401);
    let r = server.raw("GET", "/", &[("Host", &host)], "");
    assert_eq!(r.status, 401);
    // The first visit sets the cookie, which then stands for the token.
    let first = server.call("GET", "/", "");
    assert_eq!(first.status, 200);
    assert!(first.head.contains("HttpOnly; SameSite=Strict"), "{}", first.head);
    let cookie = format!("thematic_token={}", server.token);
    let r = server.raw(
        "GET",
        "/api/documents",
        &[("Host", &host), ("Cookie", &cookie)],
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.raw(
        "GET",
        "/api/documents",
        &[("Host", &host), ("Cookie", "thematic_token=nope")],
        "",
    );
    assert_eq!(r.status, 401);
}

#[test]
fn a_foreign_host_or_origin_is_refused() {
    let dir = Dir::project();
    let server = serve(&dir);
    let path = format!("/api/documents?token={}", server.token);
    let evil = format!("evil.example:{}", server.port);
    assert_eq!(server.raw("GET", &path, &[("Host", &evil)], "").status, 403);
    assert_eq!(server.raw("GET", &path, &[], "").status, 403);
    let local = format!("localhost:{}", server.port);
    assert_eq!(server.raw("GET", &path, &[("Host", &local)], "").status, 200);
    let host = server.host();
    let foreign = [("Host", host.as_str()), ("Origin", "http://evil.example")];
    assert_eq!(server.raw("GET", &path, &foreign, "").status, 403);
    let own = format!("http://{host}");
    let same = [("Host", host.as_str()), ("Origin", own.as_str())];
    assert_eq!(server.raw("GET", &path, &same, "").status, 200);
}

#[test]
fn a_body_over_one_mebibyte_is_refused() {
    let dir = Dir::project();
    let server = serve(&dir);
    let path = format!("/api/codings?token={}", server.token);
    let host = server.host();
    let r = server.raw(
        "POST",
        &path,
        &[
            ("Host", &host),
            ("Content-Length", "2000000"),
            ("Content-Type", "application/json"),
        ],
        "",
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(dir.read("coding/ben.csv"), FIXTURE_BEN);
}

#[test]
fn a_document_id_cannot_reach_outside_the_transcripts() {
    let dir = Dir::project();
    dir.write("secret.txt", "TOP SECRET");
    let server = serve(&dir);
    for path in [
        "/api/documents/../secret",
        "/api/documents/..%2Fsecret",
        "/api/documents/%2Fetc%2Fpasswd",
    ] {
        let r = server.call("GET", path, "");
        assert!(
            r.status == 404 || r.status == 400,
            "{path}: {} {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("TOP SECRET") && !r.body.contains("root:"));
    }
}

#[test]
fn posting_a_coding_appends_the_row_as_thematic_code_would() {
    let dir = Dir::project();
    let before = dir.run(&["check"]);
    let server = serve(&dir);
    let (start, end) = range(&server, "S1", "Communication is good.", 1);
    let body =
        format!(r#"{{"document":"S1","start":{start},"end":{end},"codes":["communication"],"coder":"ben"}}"#);
    let r = server.call("POST", "/api/codings", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json(&r)["line"], 4);
    assert_eq!(
        dir.read("coding/ben.csv"),
        format!("{FIXTURE_BEN}S1,Communication is good.,communication,\n")
    );
    // The answer holds the document as the files now have it, as a new request would give it
    // (but for the text, which the page has), and the folder's version.
    let after = &json(&r)["after"];
    let mut asked = json(&server.call("GET", "/api/documents/S1", ""));
    assert!(asked["text"].is_string() && after["document"]["text"].is_null());
    asked["text"] = serde_json::Value::Null;
    assert_eq!(after["document"], asked);
    assert_eq!(
        after["version"],
        json(&server.call("GET", "/api/version", ""))["version"]
    );
    let removed = server.call(
        "DELETE",
        "/api/codings",
        r#"{"document":"S1","coder":"ben","line":4,"quote":"Communication is good.","codes":["communication"]}"#,
    );
    assert_eq!(removed.status, 200, "{}", removed.body);
    let gone = &json(&removed)["after"]["document"]["codings"];
    assert!(!gone
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["coder"] == "ben" && c["line"] == 4));
    assert_eq!(dir.read("coding/ben.csv"), FIXTURE_BEN);
    server.call("POST", "/api/codings", &body);
    let after = dir.run(&["check"]);
    assert_eq!(after.problems(), before.problems(), "check finds nothing new");
    assert_eq!(after.code, before.code);
    let doc = json(&server.call("GET", "/api/documents/S1", ""));
    assert!(doc["codings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["coder"] == "ben"
            && c["line"] == 4
            && c["codes"] == serde_json::json!(["communication"])
            && c["start"] == start));
}

#[test]
fn a_passage_that_occurs_twice_gets_its_occurrence() {
    let dir = Dir::project();
    dir.write(
        "transcripts/twice.txt",
        "R: Yes, it worked. Later, it worked again.\n",
    );
    let server = serve(&dir);
    let (start, end) = range(&server, "twice", "it worked", 2);
    let body = format!(r#"{{"document":"twice","start":{start},"end":{end},"codes":"trust"}}"#);
    let r = server.call("POST", "/api/codings", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo,occurrence\nS1,We share values.,shared-values,,\nS1,Trust takes time.,trust;communication,,\ntwice,it worked,trust,,2\n"
    );
    let doc = json(&server.call("GET", "/api/documents/twice", ""));
    assert!(doc["codings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["start"] == start && c["end"] == end));
}

#[test]
fn an_unknown_code_is_refused_with_the_message_of_thematic_code() {
    let dir = Dir::project();
    let cli = dir.run(&[
        "code",
        "S1",
        "Communication is good.",
        "comunication",
        "--coder",
        "ben",
    ]);
    assert_eq!(cli.code, 2);
    let server = serve(&dir);
    let (start, end) = range(&server, "S1", "Communication is good.", 1);
    let body = format!(r#"{{"document":"S1","start":{start},"end":{end},"codes":["comunication"]}}"#);
    let r = server.call("POST", "/api/codings", &body);
    assert_eq!(r.status, 400);
    let message = json(&r)["error"].as_str().unwrap().to_string();
    assert!(
        message.contains("code `comunication` is not in the codebook"),
        "{message}"
    );
    assert_eq!(cli.stderr.trim(), format!("error: {message}"));
    assert_eq!(dir.read("coding/ben.csv"), FIXTURE_BEN, "nothing was written");
}

#[test]
fn an_edit_made_on_disk_shows_in_the_next_request() {
    let dir = Dir::project();
    let server = serve(&dir);
    let codings = |s: &Server| {
        json(&s.call("GET", "/api/documents/S1", ""))["codings"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = codings(&server);
    dir.write(
        "coding/ben.csv",
        format!("{FIXTURE_BEN}S1,Communication is good.,communication,\n"),
    );
    assert_eq!(codings(&server), before + 1);
}

#[test]
fn a_row_that_does_not_anchor_is_listed_among_the_problems_as_check_gives_it() {
    let dir = Dir::project();
    let server = serve(&dir);
    let listed = |s: &Server| json(&s.call("GET", "/api/problems", ""));
    let clean = listed(&server);
    let check = dir.run(&["check"]);
    assert_eq!(clean["errors"], 0);
    assert_eq!(
        clean["problems"].as_array().unwrap().len(),
        check.problems().len()
    );
    dir.write(
        "coding/ben.csv",
        format!("{FIXTURE_BEN}S1,Words nobody said.,communication,\n"),
    );
    let now = listed(&server);
    assert_eq!(now["errors"], 1, "{now}");
    let error = now["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["severity"] == "error")
        .unwrap()
        .clone();
    assert_eq!(
        (&error["file"], &error["line"]),
        (&"coding/ben.csv".into(), &4.into())
    );
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("quote not found in S1"), "{message}");
    // The same words as `thematic check` prints.
    let printed = dir.run(&["check"]).stdout;
    assert!(
        printed.contains(&format!("error: coding/ben.csv:4: {message}")),
        "{printed}"
    );
}

#[test]
fn removing_a_row_changed_on_disk_is_refused_and_the_file_kept() {
    let dir = Dir::project();
    let server = serve(&dir);
    let body = r#"{"document":"S1","coder":"ben","line":3,"quote":"Trust takes time.","codes":["trust","communication"]}"#;
    let changed = FIXTURE_BEN.replace("trust;communication", "trust");
    dir.write("coding/ben.csv", &changed);
    let r = server.call("DELETE", "/api/codings", body);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(json(&r)["error"]
        .as_str()
        .unwrap()
        .contains("changed since the page loaded"));
    assert_eq!(dir.read("coding/ben.csv"), changed);
    // As the page saw it, it goes, and the other rows keep their bytes.
    dir.write("coding/ben.csv", FIXTURE_BEN);
    let r = server.call("DELETE", "/api/codings", body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo\nS1,We share values.,shared-values,\n"
    );
}

#[test]
fn a_write_to_a_sheet_changed_since_the_page_read_it_is_refused() {
    let dir = Dir::project();
    let server = serve(&dir);
    let doc = json(&server.call("GET", "/api/documents/S1", ""));
    let seen = doc["versions"]["ben"].as_str().unwrap().to_string();
    // Someone else changes the sheet (an editor, git pull).
    let theirs = format!("{FIXTURE_BEN}S1,What works?,communication,theirs\n");
    dir.write("coding/ben.csv", &theirs);
    let (start, end) = range(&server, "S1", "Communication is good.", 1);
    let body = format!(
        r#"{{"document":"S1","start":{start},"end":{end},"codes":["communication"],"version":"{seen}"}}"#
    );
    let r = server.call("POST", "/api/codings", &body);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(json(&r)["error"]
        .as_str()
        .unwrap()
        .contains("has changed since the page read it"));
    assert_eq!(
        dir.read("coding/ben.csv"),
        theirs,
        "their change is kept, nothing added"
    );
    // With the version read again, the write goes through.
    let now = json(&server.call("GET", "/api/documents/S1", ""))["versions"]["ben"]
        .as_str()
        .unwrap()
        .to_string();
    let body = body.replace(&seen, &now);
    assert_eq!(server.call("POST", "/api/codings", &body).status, 200);
}

#[test]
fn the_version_changes_when_a_file_changes_on_disk() {
    let dir = Dir::project();
    let server = serve(&dir);
    let version = |s: &Server| json(&s.call("GET", "/api/version", ""))["version"].clone();
    let v1 = version(&server);
    assert_eq!(version(&server), v1, "nothing changed");
    // Same size, same second: the sheet's bytes still tell.
    dir.write(
        "coding/ben.csv",
        FIXTURE_BEN.replace("trust;communication", "communication;trust"),
    );
    let v2 = version(&server);
    assert_ne!(v2, v1);
    dir.write(
        "codebook.md",
        format!("{}- `kindness` — being kind.\n", crate::util::FIXTURE_CODEBOOK),
    );
    assert_ne!(version(&server), v2);
}

#[test]
fn changing_a_coding_rewrites_only_its_row() {
    let dir = Dir::project();
    let server = serve(&dir);
    let body = r#"{"document":"S1","coder":"ben","line":3,"quote":"Trust takes time.","codes":["trust","communication"],
        "new_codes":["trust"],"memo":"slow, but real","exemplar":true,"quotable":false}"#;
    let r = server.call("PATCH", "/api/codings", body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo,exemplar,quotable\nS1,We share values.,shared-values,,,\nS1,Trust takes time.,trust,\"slow, but real\",yes,no\n"
    );
    let doc = json(&server.call("GET", "/api/documents/S1", ""));
    let row = doc["codings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["coder"] == "ben" && c["line"] == 3)
        .unwrap()
        .clone();
    assert_eq!(row["memo"], "slow, but real");
    assert_eq!(
        (row["exemplar"].clone(), row["quotable"].clone()),
        (true.into(), false.into())
    );
    // The same request again: the row is no longer as the page saw it.
    assert_eq!(server.call("PATCH", "/api/codings", body).status, 409);
    // A code not in the codebook is refused as `thematic code` refuses it.
    let r = server.call(
        "PATCH",
        "/api/codings",
        r#"{"document":"S1","coder":"ben","line":2,"quote":"We share values.","codes":"shared-values","new_codes":"sharedvalues"}"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        json(&r)["error"].as_str().unwrap().contains("did you mean"),
        "{}",
        r.body
    );
    assert!(dir
        .run(&["check"])
        .problems()
        .iter()
        .all(|p| !p.contains("ben.csv")));
}

#[test]
fn a_new_code_goes_into_its_category_or_before_the_first_heading() {
    let dir = Dir::project();
    let server = serve(&dir);
    let r = server.call(
        "POST",
        "/api/codes",
        r#"{"id":"openness","definition":"people speak\nfreely.","category":"Talk"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.call(
        "POST",
        "/api/codes",
        r#"{"id":"kindness","definition":"being kind."}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.call("POST", "/api/codes", r#"{"id":"norms","category":"Values"}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        dir.read("codebook.md"),
        crate::util::FIXTURE_CODEBOOK
            .replace(
                "# Relationships\n",
                "- `kindness` — being kind.\n\n# Relationships\n"
            )
            .replace(
                "- `trust` — trust between partners.\n",
                "- `trust` — trust between partners.\n- `norms`\n"
            )
            .replace(
                "- `communication` — keeping in touch.\n",
                "- `communication` — keeping in touch.\n- `openness` — people speak freely.\n"
            )
    );
    let r = server.call("POST", "/api/codes", r#"{"id":"trust"}"#);
    assert_eq!(r.status, 400);
    assert!(json(&r)["error"].as_str().unwrap().contains("already"));
    let r = server.call("POST", "/api/codes", r#"{"id":"x","category":"Tak"}"#);
    assert_eq!(r.status, 400);
    let book = json(&server.call("GET", "/api/codebook", ""));
    assert!(book["codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "kindness"));
    // amira's kindness rows are no longer unsorted.
    let check = dir.run(&["check"]);
    assert!(check.stdout.contains("(0 unsorted)"), "{}", check.stdout);
}

#[test]
fn taking_out_a_new_code_gives_back_the_codebook_byte_for_byte() {
    let dir = Dir::project();
    // No line end at the end of the file, and CRLF line ends: both kept.
    let book = crate::util::FIXTURE_CODEBOOK.replace('\n', "\r\n");
    let book = book.trim_end().to_string();
    dir.write("codebook.md", &book);
    let server = serve(&dir);
    let mut made = Vec::new();
    for body in [
        r#"{"id":"openness","definition":"speak freely.","category":"Talk"}"#,
        r#"{"id":"respect"}"#,
        r#"{"id":"norms","category":"Values"}"#,
    ] {
        let r = server.call("POST", "/api/codes", body);
        assert_eq!(r.status, 200, "{}", r.body);
        made.push(json(&r));
    }
    assert_ne!(dir.read("codebook.md"), book);
    // A code a row uses stays.
    let (start, end) = range(&server, "S1", "Communication is good.", 1);
    let coded = server.call(
        "POST",
        "/api/codings",
        &format!(r#"{{"document":"S1","start":{start},"end":{end},"codes":["norms"],"coder":"ben"}}"#),
    );
    assert_eq!(coded.status, 200, "{}", coded.body);
    let take_out = |m: &serde_json::Value| {
        server.call(
            "DELETE",
            "/api/codes",
            &serde_json::json!({ "id": m["id"], "added": m["added"], "version": m["version"] }).to_string(),
        )
    };
    let used = take_out(&made[2]);
    assert_eq!(used.status, 409, "{}", used.body);
    assert!(json(&used)["error"]
        .as_str()
        .unwrap()
        .contains("coding/ben.csv:4"));
    server.call(
        "DELETE",
        "/api/codings",
        r#"{"document":"S1","coder":"ben","line":4,"quote":"Communication is good.","codes":["norms"]}"#,
    );
    // Last made, first taken out: each with the codebook's version it left.
    let r = take_out(&made[2]);
    assert_eq!(r.status, 200, "{}", r.body);
    let stale = take_out(&made[0]);
    assert_eq!(
        stale.status, 409,
        "the codebook changed since `openness` was added"
    );
    let again = |m: &serde_json::Value, version: &str| {
        let mut m = m.clone();
        m["version"] = version.into();
        m
    };
    let now = |d: &Dir| {
        let bytes = std::fs::read(d.join("codebook.md")).unwrap();
        format!("{:08x}-{}", crc32fast::hash(&bytes), bytes.len())
    };
    let r = take_out(&again(&made[1], &now(&dir)));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(take_out(&again(&made[0], &now(&dir))).status, 200);
    assert_eq!(dir.read("codebook.md"), book, "byte for byte as before");
}

#[test]
fn extracts_and_memos_list_every_coder() {
    let dir = Dir::project();
    dir.write(
        "coding/ben.csv",
        FIXTURE_BEN.replace("trust;communication,", "trust;communication,takes years"),
    );
    let server = serve(&dir);
    let x = json(&server.call("GET", "/api/extracts?code=trust", ""));
    let list = x["extracts"].as_array().unwrap();
    assert!(list
        .iter()
        .any(|e| e["document"] == "S1" && e["text"] == "Trust takes time."));
    assert!(list
        .iter()
        .any(|e| e["coders"].as_array().unwrap().iter().any(|c| c == "ben")));
    assert_eq!(server.call("GET", "/api/extracts?code=nope", "").status, 404);
    let m = json(&server.call("GET", "/api/memos", ""));
    assert_eq!(m["memos"].as_array().unwrap().len(), 1);
    assert_eq!(m["memos"][0]["memo"], "takes years");
    assert_eq!(m["memos"][0]["coder"], "ben");
}

#[test]
fn a_transcript_edited_on_disk_shows_and_its_text_is_sent_again() {
    let dir = Dir::project();
    let server = serve(&dir);
    let doc = json(&server.call("GET", "/api/documents/S1", ""));
    let known = doc["text_version"].as_str().unwrap().to_string();
    // The page holds the text: it is left out while the file is the same.
    let again = json(&server.call("GET", &format!("/api/documents/S1?known={known}"), ""));
    assert!(again["text"].is_null());
    assert_eq!(again["codings"], doc["codings"]);
    dir.write(
        "transcripts/S1.txt",
        "Interviewer: What works now?\nR: We share values. Communication is good.\n\nInterviewer: And trust?\nR: Trust takes time.\n",
    );
    let edited = json(&server.call("GET", &format!("/api/documents/S1?known={known}"), ""));
    assert!(edited["text"]
        .as_str()
        .unwrap()
        .starts_with("Interviewer: What works now?"));
}

/// The respondents of a grid page, in order.
fn respondents(grid: &serde_json::Value) -> Vec<&str> {
    grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["respondent"].as_str().unwrap())
        .collect()
}

#[test]
fn surveys_are_listed_with_questions_attributes_and_counts() {
    let dir = crate::surveys::survey_project();
    let server = serve(&dir);
    let r = json(&server.call("GET", "/api/surveys", ""));
    let s = &r["surveys"][0];
    assert_eq!(r["surveys"].as_array().unwrap().len(), 1);
    assert_eq!(s["name"], "pulse");
    assert_eq!(s["path"], "surveys/pulse.csv");
    assert_eq!(
        s["questions"],
        serde_json::json!([
            { "column": "worked", "label": "What has worked well?" },
            { "column": "change", "label": "What would you change?" },
        ])
    );
    // The id column and `region` are attributes, `role` gives the group.
    assert_eq!(
        s["attributes"],
        serde_json::json!([
            { "name": "respondent", "distinct": 4, "values": ["1043", "1044", "1045", "1046"] },
            { "name": "region", "distinct": 2, "values": ["North", "South"] },
            { "name": "group", "distinct": 2, "values": ["partner", "staff"] },
        ])
    );
    assert_eq!(
        (s["respondents"].as_u64(), s["answers"].as_u64()),
        (Some(4), Some(6))
    );
    // The document list leaves the answers to the grid, unless asked for them.
    let ids = |r: &serde_json::Value| -> Vec<String> {
        r["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    let listed = json(&server.call("GET", "/api/documents", ""));
    assert_eq!(listed["answers"], 6);
    assert!(
        ids(&listed).iter().all(|id| !id.starts_with("pulse/")),
        "{listed}"
    );
    let all = json(&server.call("GET", "/api/documents?answers=1", ""));
    let answers: Vec<String> = ids(&all)
        .into_iter()
        .filter(|id| id.starts_with("pulse/"))
        .collect();
    assert_eq!(answers.len(), 6);
    assert!(answers.contains(&"pulse/1043/worked".to_string()), "{answers:?}");
}

#[test]
fn the_survey_grid_is_respondents_by_questions_with_their_codes() {
    let dir = crate::surveys::survey_project();
    let server = serve(&dir);
    let g = json(&server.call("GET", "/api/surveys/pulse/grid", ""));
    assert_eq!(g["total"], 4);
    assert_eq!((g["offset"].as_u64(), g["limit"].as_u64()), (Some(0), Some(100)));
    assert_eq!(respondents(&g), ["1043", "1044", "1045", "1046"]);
    assert_eq!(g["questions"][1]["label"], "What would you change?");
    let first = &g["rows"][0];
    assert_eq!(first["group"], "staff");
    assert_eq!(first["participant"], "pulse/1043");
    assert_eq!(first["attributes"]["region"], "North");
    assert_eq!(
        first["cells"][0],
        serde_json::json!({
            "document": "pulse/1043/worked",
            "text": "Trust between teams has grown.",
            "chars": 30,
            "truncated": false,
            "codings": 1,
            "codes": [{ "code": "trust", "coders": ["amira"] }],
        })
    );
    assert_eq!(first["cells"][1]["codes"][0]["code"], "funding");
    // A blank answer is no cell; two codings of one answer, its two codes in codebook order.
    assert!(g["rows"][1]["cells"][1].is_null());
    assert!(g["rows"][3]["cells"][0].is_null());
    let both: Vec<&str> = g["rows"][2]["cells"][0]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(both, ["trust", "communication"]);
    assert_eq!(g["rows"][2]["cells"][0]["codings"], 2);
    // A long answer is cut to 300 characters, with its whole length.
    let long = format!("{} end.", "Word ".repeat(100));
    dir.write(
        "surveys/pulse.csv",
        dir.read("surveys/pulse.csv").replace("Less paperwork.", &long),
    );
    let g = json(&server.call("GET", "/api/surveys/pulse/grid?filter=respondent=1046", ""));
    let cell = &g["rows"][0]["cells"][1];
    assert_eq!(cell["text"].as_str().unwrap().chars().count(), 300);
    assert_eq!(
        (cell["chars"].as_u64(), cell["truncated"].as_bool()),
        (Some(505), Some(true))
    );
}

#[test]
fn the_survey_grid_sorts_filters_and_pages_on_the_server() {
    let dir = crate::surveys::survey_project();
    let server = serve(&dir);
    let grid = |q: &str| json(&server.call("GET", &format!("/api/surveys/pulse/grid?{q}"), ""));
    // Ties are broken by respondent id, whichever the direction.
    assert_eq!(
        respondents(&grid("sort=region")),
        ["1043", "1045", "1044", "1046"]
    );
    assert_eq!(
        respondents(&grid("sort=region&desc=1")),
        ["1044", "1046", "1043", "1045"]
    );
    assert_eq!(
        respondents(&grid("sort=group&desc=1")),
        ["1043", "1044", "1045", "1046"]
    );
    assert_eq!(respondents(&grid("sort=group")), ["1045", "1046", "1043", "1044"]);
    assert_eq!(
        respondents(&grid("sort=respondent&desc=1")),
        ["1046", "1045", "1044", "1043"]
    );
    // Filters: values of one attribute are alternatives, of two both must hold.
    let north = grid("filter=region=North");
    assert_eq!(
        (north["total"].as_u64(), respondents(&north)),
        (Some(2), vec!["1043", "1045"])
    );
    let one = grid("filter=region=North&filter=group=partner");
    assert_eq!(respondents(&one), ["1045"]);
    assert_eq!(grid("filter=region=North&filter=region=South")["total"], 4);
    assert_eq!(grid("filter=region=East")["total"], 0);
    // Pages: the total is every row after filtering; a page past the end is empty.
    let page = grid("sort=region&desc=1&offset=1&limit=2");
    assert_eq!(
        (page["total"].as_u64(), respondents(&page)),
        (Some(4), vec!["1046", "1043"])
    );
    let past = grid("offset=10");
    assert_eq!((past["total"].as_u64(), respondents(&past).len()), (Some(4), 0));
    assert_eq!(grid("limit=5000")["limit"], 1000);
    assert_eq!(
        respondents(&grid("filter=group=staff&sort=region&desc=1&limit=1")),
        ["1044"]
    );
}

#[test]
fn an_unknown_survey_attribute_or_parameter_is_refused_with_its_reason() {
    let dir = crate::surveys::survey_project();
    let server = serve(&dir);
    let r = server.call("GET", "/api/surveys/puls/grid", "");
    assert_eq!(r.status, 404);
    assert_eq!(
        json(&r)["error"],
        "no survey `puls` in thematic.toml [surveys] (surveys: pulse) (did you mean `pulse`?)"
    );
    for (q, says) in [
        ("sort=regoin", "survey `pulse` has no attribute `regoin` (use one of respondent, group, region) (did you mean `region`?)"),
        ("filter=site=North", "survey `pulse` has no attribute `site`"),
        ("filter=region", "filter=region: write filter=<attribute>=<value>"),
        ("limit=ten", "limit=ten: give a whole number"),
        ("order=region", "unknown parameter `order`"),
    ] {
        let r = server.call("GET", &format!("/api/surveys/pulse/grid?{q}"), "");
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert!(json(&r)["error"].as_str().unwrap().starts_with(says), "{q}: {}", r.body);
    }
}

#[test]
fn a_whole_answer_is_coded_with_an_empty_quote_and_shows_in_the_grid() {
    let dir = crate::surveys::survey_project();
    let server = serve(&dir);
    let body = r#"{"document":"pulse/1046/change","whole":true,"codes":"funding"}"#;
    let r = server.call("POST", "/api/codings", body);
    assert_eq!(r.status, 200, "{}", r.body);
    let coded = json(&r);
    assert_eq!(
        (coded["start"].as_u64(), coded["end"].as_u64()),
        (Some(0), Some(15))
    );
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo\npulse/1046/change,,funding,\n"
    );
    // The same again is the row that codes it already; a blank answer has nothing to code.
    let again = server.call("POST", "/api/codings", body);
    assert_eq!(again.status, 400);
    assert!(
        again.body.contains("already codes this passage"),
        "{}",
        again.body
    );
    let blank = server.call(
        "POST",
        "/api/codings",
        &body.replace("1046/change", "1046/worked"),
    );
    assert_eq!(blank.status, 404);
    assert!(
        blank.body.contains("is blank in surveys/pulse.csv"),
        "{}",
        blank.body
    );
    let g = json(&server.call("GET", "/api/surveys/pulse/grid?filter=respondent=1046", ""));
    assert_eq!(
        g["rows"][0]["cells"][1]["codes"],
        serde_json::json!([{ "code": "funding", "coders": ["ben"] }])
    );
}

#[test]
fn a_respondent_of_participants_csv_is_in_the_grid_as_that_person() {
    let dir = crate::surveys::survey_project();
    dir.write(
        "participants.csv",
        "id,group,label,region\n1043,staff,Staff 1043,\n",
    );
    let server = serve(&dir);
    let g = json(&server.call("GET", "/api/surveys/pulse/grid?filter=region=North", ""));
    assert_eq!(respondents(&g), ["1043", "1045"]);
    assert_eq!(g["rows"][0]["participant"], "1043");
    assert_eq!(g["rows"][0]["label"], "Staff 1043");
    assert_eq!(g["rows"][0]["cells"][0]["document"], "pulse/1043/worked");
    let s = json(&server.call("GET", "/api/surveys", ""));
    assert_eq!(s["surveys"][0]["respondents"], 4);
}

#[test]
fn a_quote_written_otherwise_than_the_text_is_given_back_as_written_and_can_be_removed() {
    let dir = Dir::project();
    // Spaces and a line break inside the quote: it anchors, but is not the text's own bytes.
    let sheet = "document,quote,codes,memo,occurrence\nS1,\"We  share\nvalues.\",shared-values,,1\nS1,Trust takes time.,trust,,\n";
    dir.write("coding/ben.csv", sheet);
    let server = serve(&dir);
    let doc = json(&server.call("GET", "/api/documents/S1", ""));
    let codings = doc["codings"].as_array().unwrap();
    let ben = |line: u64| {
        codings
            .iter()
            .find(|c| c["coder"] == "ben" && c["line"] == line)
            .expect("the row is drawn")
    };
    let written = ben(2);
    assert_eq!(written["quote"], "We  share\nvalues.");
    assert_eq!(written["occurrence"], 1);
    let verbatim = ben(4);
    assert_eq!(verbatim["quote"], "Trust takes time.");
    assert_eq!(verbatim["occurrence"], serde_json::Value::Null);
    // What the page saw is what the sheet holds: removing it is not refused as changed.
    let body = serde_json::json!({
        "document": "S1", "coder": "ben", "line": 2,
        "quote": written["quote"], "codes": ["shared-values"],
    });
    let r = server.call("DELETE", "/api/codings", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo,occurrence\nS1,Trust takes time.,trust,,\n"
    );
}
