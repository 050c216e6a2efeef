//! `saturation` on a folder of twelve interviews coded as the hand-worked example of
//! `src/analysis/saturation.rs` (Guest, Namey & Chen 2020: base 4, runs of 2, ≤5%):
//!
//! ```text
//! interview  1     2    3    4    5   6   7   8   9   10  11  12
//! new codes  8     6    4    2    2   1   1   0   0   1   0   0
//! ```
//!
//! The base holds 20 codes; runs 5–6: 3 new (15%), 6–7: 2 (10%), 7–8: 1 (5%): saturation at 6
//! interviews.

use crate::util::Dir;

/// The codes of each interview, as letters, in interview order.
const INTERVIEWS: [&str; 12] = [
    "abcdefgh", "abijklmn", "aciopqr", "bst", "auv", "bw", "ax", "abc", "x", "y", "ay", "b",
];

/// Interview `i` (0-based) is document `I{i+1:02}` of participant `R{i+1:02}`, interviewed on a
/// date that runs backwards from the ids when `reverse_dates`.
fn folder(reverse_dates: bool) -> Dir {
    let d = Dir::empty();
    d.write("thematic.toml", "[project]\ntitle = \"Saturation\"\n");
    let mut codebook = String::from("# Everything\n");
    for c in 'a'..='y' {
        codebook.push_str(&format!("- `code-{c}` — code {c}.\n"));
    }
    d.write("codebook.md", codebook);
    let mut people = String::from("id,group,interview_date\n");
    let mut sheet = String::from("document,quote,codes,memo\n");
    for (i, codes) in INTERVIEWS.iter().enumerate() {
        let id = format!("I{:02}", i + 1);
        let day = if reverse_dates { 12 - i } else { i + 1 };
        people.push_str(&format!("{id},staff,2024-03-{day:02}\n"));
        let mut text = String::from("Interviewer: Tell me.\n");
        for c in codes.chars() {
            text.push_str(&format!("{id}: I talk about {c} here.\n"));
            sheet.push_str(&format!("{id},I talk about {c} here.,code-{c},\n"));
        }
        d.write(&format!("transcripts/{id}.txt"), text);
    }
    people.push_str("I13,staff,\n");
    d.write("participants.csv", people);
    d.write("coding/amira.csv", sheet);
    // An uncoded interview (with no date either) is left out, with a note.
    d.write(
        "transcripts/I13.txt",
        "Interviewer: Tell me.\nI13: Nothing yet.\n",
    );
    d
}

#[test]
fn the_worked_example_by_document_order() {
    let d = folder(false);
    assert_eq!(d.run(&["check"]).code, 0, "{:?}", d.run(&["check"]));
    let out = d.run(&["saturation", "--format", "csv"]).ok();
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        rows[0],
        "position,document,order,new_codes,cumulative_codes,part,run,run_new_codes,base_codes,ratio,at_or_below"
    );
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[1], "1,I01,I01,8,8,base,,,,,");
    assert_eq!(rows[4], "4,I04,I04,2,20,base,,,,,");
    assert_eq!(rows[5], "5,I05,I05,2,22,run,,,,,");
    assert_eq!(rows[6], "6,I06,I06,1,23,run,5-6,3,20,0.15,no");
    assert_eq!(rows[7], "7,I07,I07,1,24,run,6-7,2,20,0.1,no");
    assert_eq!(rows[8], "8,I08,I08,0,24,run,7-8,1,20,0.05,yes");
    assert_eq!(rows[10], "10,I10,I10,1,25,run,9-10,1,20,0.05,yes");
    assert_eq!(rows[12], "12,I12,I12,0,25,run,11-12,0,20,0,yes");
    assert_eq!(
        out.stderr,
        "note: left out, no coding that makes the findings: I13\n"
    );
    let table = d.run(&["saturation"]).ok().stdout;
    assert!(
        table.contains("\nFollowing Guest, Namey and Chen (2020), with a base of 4 documents (20 unique codes), runs of 2 and a new-information threshold of 5%, saturation was reached at 6 documents: documents 7–8 added 1 new code (5% of the base).\n"),
        "{table}"
    );
    assert!(table.ends_with("\nnote: left out, no coding that makes the findings: I13\n"));
}

#[test]
fn parameters_change_the_point() {
    let d = folder(false);
    let stricter = d.run(&["saturation", "--threshold", "0"]).ok().stdout;
    assert!(
        stricter.contains(
            "saturation was reached at 7 documents: documents 8–9 added 0 new codes (0% of the base)."
        ),
        "{stricter}"
    );
    let bigger = d.run(&["saturation", "--base", "6", "--run", "3"]).ok().stdout;
    // Base of 6: 23 codes; run 7–9: 1 new (4.3%).
    assert!(
        bigger.contains("with a base of 6 documents (23 unique codes), runs of 3"),
        "{bigger}"
    );
    assert!(bigger.contains(
        "saturation was reached at 6 documents: documents 7–9 added 1 new code (4.3% of the base)."
    ));
    let never = d
        .run(&["saturation", "--base", "11", "--run", "1", "--threshold", "0"])
        .ok()
        .stdout;
    assert!(
        never.contains("saturation was reached at 11 documents"),
        "{never}"
    );
    let short = d.run(&["saturation", "--base", "12"]).ok().stdout;
    assert!(
        short.contains("saturation could not be assessed: it needs at least 14 documents and there are 12."),
        "{short}"
    );
}

#[test]
fn order_by_a_participant_attribute() {
    // Dates run backwards: the interviews come in reverse, I12 first. In that order the base
    // (I12, I11, I10, I09) holds {b, a, y, x} = 4 codes, and runs 5–6 (I08, I07) add c.
    let d = folder(true);
    let out = d
        .run(&["saturation", "--order", "interview_date", "--format", "csv"])
        .ok()
        .stdout;
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[1], "1,I12,2024-03-01,1,1,base,,,,,");
    assert_eq!(rows[4], "4,I09,2024-03-04,1,4,base,,,,,");
    assert_eq!(rows[6], "6,I07,2024-03-06,0,5,run,5-6,1,4,0.25,no");
}

#[test]
fn wrong_orders_and_parameters_are_errors_in_the_users_words() {
    let d = folder(false);
    let out = d.run(&["saturation", "--order", "interview_dat"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot order by `interview_dat`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `interview_date`?"),
        "{}",
        out.stderr
    );
    let out = d.run(&["saturation", "--threshold", "5"]);
    assert_eq!(out.code, 2);
    assert!(out
        .stderr
        .contains("--threshold 5 is not a share between 0 and 1 (5% is 0.05)"));
    let out = d.run(&["saturation", "--run", "0"]);
    assert_eq!(out.code, 2);
    // A coded document with no value to order by.
    d.write(
        "participants.csv",
        d.read("participants.csv")
            .replace("I03,staff,2024-03-03", "I03,staff,"),
    );
    let out = d.run(&["saturation", "--order", "interview_date"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("1 document has no value"), "{}", out.stderr);
    assert!(out.stderr.contains("I03 (transcripts/I03.txt)"), "{}", out.stderr);
}

#[test]
fn the_curve_prints_every_value_the_same_way_twice() {
    let d = folder(false);
    let svg = d.run(&["saturation", "--format", "svg"]).ok().stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("new codes</title>").count(), 12);
    for ratio in ["15%", "10%", "5%", "0%"] {
        assert!(svg.contains(&format!(">{ratio}</text>")), "{ratio}");
    }
    assert!(svg.contains(">saturation</text>"));
    assert!(svg.contains(">threshold 5%</text>"));
    assert_eq!(svg, d.run(&["saturation", "--format", "svg"]).ok().stdout);
}
