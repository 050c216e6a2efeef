//! The levels of the code tree (code, category, theme) and which node a code falls in at each.

use crate::codebook::{CodeIdx, Codebook};
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Level {
    #[default]
    Code,
    Category,
    Theme,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Code => "code",
            Level::Category => "category",
            Level::Theme => "theme",
        }
    }
}

/// Nodes that hold codes outside the codebook's tree.
pub const UNSORTED: &str = "(unsorted)";
pub const NO_CATEGORY: &str = "(no category)";
pub const NO_THEME: &str = "(no theme)";

/// The nodes of one level, in codebook order, and the node of each code.
#[derive(Debug, Clone)]
pub struct Nodes {
    pub level: Level,
    pub names: Vec<String>,
    /// For each code, the index of its node in `names`.
    pub of_code: Vec<usize>,
}

impl Nodes {
    pub fn new(codebook: &Codebook, level: Level) -> Nodes {
        let mut names: Vec<String> = match level {
            Level::Code => Vec::new(),
            Level::Category => codebook.categories.iter().map(|c| c.name.clone()).collect(),
            Level::Theme => codebook.themes.iter().map(|t| t.name.clone()).collect(),
        };
        let extra = |names: &mut Vec<String>, name: &str| match names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        let of_code = codebook
            .codes
            .iter()
            .map(|code| match level {
                Level::Code => extra(&mut names, &code.id),
                _ if code.unsorted => usize::MAX,
                Level::Category => code.category.unwrap_or(usize::MAX - 1),
                Level::Theme => code.theme.unwrap_or(usize::MAX - 1),
            })
            .collect::<Vec<_>>();
        // Extra nodes go last, in a fixed order: codes outside the tree, then unsorted codes.
        let placeholder = if level == Level::Category {
            NO_CATEGORY
        } else {
            NO_THEME
        };
        let of_code = of_code
            .into_iter()
            .map(|n| match n {
                n if n == usize::MAX - 1 => extra(&mut names, placeholder),
                _ => n,
            })
            .collect::<Vec<_>>();
        let of_code = of_code
            .into_iter()
            .map(|n| {
                if n == usize::MAX {
                    extra(&mut names, UNSORTED)
                } else {
                    n
                }
            })
            .collect();
        Nodes {
            level,
            names,
            of_code,
        }
    }

    /// The distinct nodes of a segment's codes.
    pub fn of_codes(&self, codes: &[CodeIdx]) -> Vec<usize> {
        let mut nodes: Vec<usize> = codes.iter().map(|&c| self.of_code[c]).collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }
}
