//! `stats` on the fixture, whose counts are worked out here by hand.
//!
//! Segments (coder: passage → codes; participant):
//!   amira S1 "We share values." → shared-values (S1); ben codes the same passage the same way
//!   amira S1 "Communication is good." → communication, trust (S1)
//!   amira S1 "Trust takes time." → trust (S1); ben: the same passage → trust, communication
//!   amira S2 "Funding is short." → funding (S2); "We share values too." → shared-values (S2)
//!   amira focus "We share values with them." → shared-values (P1, speaking as Jo Bloggs)
//!   amira focus "Funding is short, and trust is low." → funding, trust (P2)
//!   amira U1 "Trust takes time." → trust (U1); "Staff were kind." → kindness (unsorted)
//! A reference is a distinct passage, so the passages both coders coded count once.

use crate::util::Dir;

#[test]
fn codes_overall_as_csv() {
    let out = Dir::project().run(&["stats", "--format", "csv"]).ok();
    assert_eq!(
        out.stdout,
        "level,node,by,value,references,participants,documents\n\
         code,shared-values,all,all,3,3,3\n\
         code,trust,all,all,4,3,3\n\
         code,communication,all,all,2,1,1\n\
         code,funding,all,all,2,2,2\n\
         code,kindness,all,all,1,1,1\n"
    );
}

#[test]
fn themes_by_group_as_csv() {
    let out = Dir::project()
        .run(&["stats", "--level", "theme", "--by", "group", "--format", "csv"])
        .ok();
    // Relationships: staff S1 ×3 passages + S2 ×1; partners P1, P2 one each; U1 one.
    assert_eq!(
        out.stdout,
        "level,node,by,value,references,participants,documents\n\
         theme,Relationships,group,staff,4,2,2\n\
         theme,Relationships,group,partner,2,2,1\n\
         theme,Relationships,group,service_user,1,1,1\n\
         theme,Resources,group,staff,1,1,1\n\
         theme,Resources,group,partner,1,1,1\n\
         theme,Resources,group,service_user,0,0,0\n\
         theme,(unsorted),group,staff,0,0,0\n\
         theme,(unsorted),group,partner,0,0,0\n\
         theme,(unsorted),group,service_user,1,1,1\n"
    );
}

#[test]
fn categories_overall_as_json() {
    let out = Dir::project()
        .run(&["stats", "--level", "category", "--format", "json"])
        .ok();
    // Values holds shared-values and trust: 7 distinct passages from all five participants.
    // `funding` sits under a theme without a category.
    assert_eq!(
        out.stdout,
        "[\n  {\"level\": \"category\", \"node\": \"Values\", \"by\": \"all\", \"value\": \"all\", \"references\": 7, \"participants\": 5, \"documents\": 4},\n  {\"level\": \"category\", \"node\": \"Talk\", \"by\": \"all\", \"value\": \"all\", \"references\": 2, \"participants\": 1, \"documents\": 1},\n  {\"level\": \"category\", \"node\": \"(no category)\", \"by\": \"all\", \"value\": \"all\", \"references\": 2, \"participants\": 2, \"documents\": 2},\n  {\"level\": \"category\", \"node\": \"(unsorted)\", \"by\": \"all\", \"value\": \"all\", \"references\": 1, \"participants\": 1, \"documents\": 1}\n]\n"
    );
}

#[test]
fn an_attribute_breaks_down_like_a_group() {
    let out = Dir::project()
        .run(&["stats", "--by", "site", "--format", "csv"])
        .ok();
    // trust: north has S1 (2 passages) and U1 (1); south has P2 (1).
    assert!(
        out.stdout.contains("code,trust,site,north,3,2,2\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("code,trust,site,south,1,1,1\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("code,shared-values,site,south,1,1,1\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn by_participant_and_document() {
    let d = Dir::project();
    let out = d.run(&["stats", "--by", "participant", "--format", "csv"]).ok();
    assert!(
        out.stdout.contains("code,trust,participant,S1,2,1,1\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("code,shared-values,participant,P1,1,1,1\n"),
        "{}",
        out.stdout
    );
    let out = d.run(&["stats", "--by", "document", "--format", "csv"]).ok();
    assert!(
        out.stdout.contains("code,trust,document,S1,2,1,1\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("code,funding,document,focus,1,1,1\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn table_and_markdown_formats() {
    let d = Dir::project();
    let out = d.run(&["stats", "--level", "theme"]).ok();
    assert_eq!(
        out.stdout,
        "level  node           by   value  references  participants  documents\n\
         -----  -------------  ---  -----  ----------  ------------  ---------\n\
         theme  Relationships  all  all             7             5          4\n\
         theme  Resources      all  all             2             2          2\n\
         theme  (unsorted)     all  all             1             1          1\n"
    );
    let out = d.run(&["stats", "--level", "theme", "--format", "md"]).ok();
    assert_eq!(
        out.stdout,
        "| level | node | by | value | references | participants | documents |\n\
         |---|---|---|---|---:|---:|---:|\n\
         | theme | Relationships | all | all | 7 | 5 | 4 |\n\
         | theme | Resources | all | all | 2 | 2 | 2 |\n\
         | theme | (unsorted) | all | all | 1 | 1 | 1 |\n"
    );
}

#[test]
fn unknown_breakdown_is_a_usage_error() {
    let out = Dir::project().run(&["stats", "--by", "sitee"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("error: no attribute `sitee`: use one of group, participant, document, site, source"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `site`"), "{}", out.stderr);
}

#[test]
fn the_interviewer_counts_for_no_one() {
    let d = Dir::project();
    d.write(
        "coding/amira.csv",
        format!("{}S1,And trust?,trust,\n", crate::util::FIXTURE_AMIRA),
    );
    let out = d.run(&["stats", "--format", "csv"]).ok();
    // One more reference and document-level passage, but no more participants.
    assert!(
        out.stdout.contains("code,trust,all,all,5,3,3\n"),
        "{}",
        out.stdout
    );
}
