//! What several targets share: a small set of participants, as the fixture's, so speaker
//! labels in fuzzed transcripts resolve to someone.

use thematic::config::CorpusSettings;
use thematic::diagnostics::Diagnostics;
use thematic::participants::Participants;

pub const PARTICIPANTS: &str = "id,group,label,aliases,site\nS1,staff,Staff 1,,north\nP1,partner,Partner 1,Jo Bloggs,north\nU1,service_user,Service user 1,,north\n";

pub fn participants() -> Participants {
    let mut diags = Diagnostics::default();
    Participants::parse(PARTICIPANTS, "participants.csv", &[], &mut diags)
}

pub fn corpus_settings() -> CorpusSettings {
    CorpusSettings::default()
}
