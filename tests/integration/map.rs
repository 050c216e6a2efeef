//! `map` on the fixture (values and colours worked out by hand) and on a generated codebook of
//! 60 codes, whose labels are checked not to overlap, geometrically, in the SVG itself.

use crate::util::{Dir, Lcg};

#[test]
fn fixture_as_mermaid_by_hand() {
    // References: Relationships 7 passages (S1 ×3, S2, focus ×2, U1), Values 7, Talk 2;
    // trust & communication co-occur at c = 0.5 (see cooccur.rs), over --links 0.3.
    // Lean: shared-values is positive (3 passages), funding negative; Relationships +3.
    let out = Dir::project().run(&["map", "--format", "mermaid"]).ok().stdout;
    assert!(out.starts_with("flowchart LR\n  t0([\"Relationships (7)\"])\n  g1[\"Values (7)\"]\n  k2(\"shared-values (3)\")\n"), "{out}");
    assert!(out.contains("  k3 -.-|\"0.50\"| k5\n"), "{out}");
    assert!(out.contains("  class t0 positive\n") && out.contains("  class k7 negative\n"));
    assert!(out.contains("  class k3 none\n"));
    // A higher threshold drops the link; participants size the nodes.
    let out = Dir::project()
        .run(&[
            "map",
            "--format",
            "mermaid",
            "--links",
            "0.6",
            "--size",
            "participants",
        ])
        .ok()
        .stdout;
    assert!(!out.contains("-.-"), "{out}");
    // Participants: Relationships S1, S2, P1, P2, U1 = 5; trust S1, P2, U1 = 3.
    assert!(
        out.contains("t0([\"Relationships (5)\"])") && out.contains("(\"trust (3)\")"),
        "{out}"
    );
}

#[test]
fn colour_by_group_prominence() {
    // shared-values: staff 2/2, partners 1/2, service users 0/1: staff. trust: staff 1/2,
    // partners 1/2, service users 1/1: service users. funding: staff 1/2, partners 1/2: shared.
    let out = Dir::project()
        .run(&["map", "--format", "mermaid", "--colour", "group"])
        .ok()
        .stdout;
    assert!(out.contains("  class k2 group0\n"), "{out}");
    assert!(out.contains("  class k3 group2\n"), "{out}");
    assert!(out.contains("  class k7 shared\n"), "{out}");
    let svg = Dir::project().run(&["map", "--colour", "group"]).ok().stdout;
    assert!(svg.contains("most prominent: Service users"), "{svg}");
}

#[test]
fn a_negative_link_threshold_is_an_error() {
    let out = Dir::project().run(&["map", "--links=-1"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--links -1 is not a c-coefficient"),
        "{}",
        out.stderr
    );
}

/// A project of 6 themes × 2 categories × 5 codes, with names that need escaping, coded at
/// random (seeded) over 12 documents.
fn sixty() -> Dir {
    let d = Dir::empty();
    d.write("thematic.toml", "[project]\ntitle = \"Sixty <codes> & more\"\n");
    let mut book = String::new();
    let mut ids = Vec::new();
    for t in 0..6 {
        book.push_str(&format!("# Theme {t}: \"quoted\" & 1 < 2 > 0\n\n"));
        for k in 0..2 {
            book.push_str(&format!("## Category {t}.{k} with a rather longer name\n\n"));
            for c in 0..5 {
                let id = format!("code-{t}{k}{c}{}", "-x".repeat((t + c) % 5));
                book.push_str(&format!("- `{id}` — code.\n"));
                ids.push(id);
            }
        }
    }
    d.write("codebook.md", book);
    let mut people = String::from("id,group\n");
    let mut sheet = String::from("document,quote,codes,memo\n");
    let mut rng = Lcg(15);
    for doc in 0..12 {
        let id = format!("D{doc:02}");
        people.push_str(&format!("{id},staff\n"));
        let mut text = String::from("Interviewer: Tell me.\n");
        for s in 0..10 {
            text.push_str(&format!("{id}: Sentence {s} of {id}.\n"));
            let codes: Vec<&str> = (0..rng.range(1, 3))
                .map(|_| ids[rng.below(60) as usize].as_str())
                .collect();
            sheet.push_str(&format!("{id},Sentence {s} of {id}.,{},\n", codes.join(";")));
        }
        d.write(&format!("transcripts/{id}.txt"), text);
    }
    d.write("participants.csv", people);
    d.write("coding/amira.csv", sheet);
    d
}

/// Unescapes the five XML entities.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The node labels of a map: each `<text>` after a `<circle>`, as (left, top, right, bottom)
/// with the layout's measure of text (7 px a character plus 8, 12 px type).
fn label_boxes(svg: &str) -> Vec<(String, (f64, f64, f64, f64))> {
    let attr = |el: &str, name: &str| -> f64 {
        let at = el.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        el[at..at + el[at..].find('"').unwrap()].parse().unwrap()
    };
    let mut out = Vec::new();
    for part in svg.split("<circle ").skip(1) {
        let Some(t) = part.find("<text ") else { continue };
        let el = &part[t..];
        let close = el.find('>').unwrap();
        let text = unescape(&el[close + 1..el.find("</text>").unwrap()]);
        let (x, y) = (attr(&el[..close], "x"), attr(&el[..close], "y"));
        let w = (text.chars().count() * 7 + 8) as f64;
        out.push((text, (x, y - 16.0, x + w, y)));
    }
    out
}

#[test]
fn sixty_codes_no_labels_overlap_in_the_svg() {
    let d = sixty();
    assert_eq!(d.run(&["check"]).code, 0, "{:?}", d.run(&["check"]));
    let svg = d.run(&["map"]).ok().stdout;
    let boxes = label_boxes(&svg);
    // 6 themes, 12 categories, 60 codes, and the legend's 4 entries.
    assert_eq!(boxes.len(), 6 + 12 + 60 + 4, "{svg}");
    for (i, (a, ba)) in boxes.iter().enumerate() {
        for (b, bb) in &boxes[i + 1..] {
            let meet = ba.0 < bb.2 && bb.0 < ba.2 && ba.1 < bb.3 && bb.1 < ba.3;
            assert!(!meet, "labels `{a}` {ba:?} and `{b}` {bb:?} overlap");
        }
    }
    // Every label escaped: the names with marks appear only escaped.
    assert!(svg.contains("Theme 0: &quot;quoted&quot; &amp; 1 &lt; 2 &gt; 0"));
    assert!(!svg.contains("1 < 2"));
    assert!(svg.contains("<title id=\"map-title\">Thematic map: Sixty &lt;codes&gt; &amp; more</title>"));
    // Deterministic.
    assert_eq!(svg, d.run(&["map"]).ok().stdout);
    let mermaid = d.run(&["map", "--format", "mermaid"]).ok().stdout;
    assert_eq!(mermaid.matches(" --- ").count(), 12 + 60);
    assert!(
        mermaid.contains("#quot;quoted#quot; #amp; 1 #lt; 2 #gt; 0"),
        "{mermaid}"
    );
}
