//! Flags of `discord listen --forward-to`: delivering events to a local HTTP endpoint the way
//! Discord delivers HTTP interactions.

use clap::Args;

/// `listen --forward-to URL` and the headers sent with each delivery.
#[derive(Debug, Clone, Args, Default)]
pub struct ForwardArgs {
    /// POST each event (default INTERACTION_CREATE) to URL, signed as Discord signs HTTP
    /// interactions (see 'discord forward-key'); an interaction is answered with what URL answers
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// A header for the --forward-to receiver's own auth, e.g. 'Authorization: Bearer abc'
    /// (repeatable)
    #[arg(
        long = "forward-header",
        value_name = "'NAME: VALUE'",
        requires = "forward_to"
    )]
    pub forward_headers: Vec<String>,
}
