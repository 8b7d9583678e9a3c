//! `ferry accept [ID] [--reject] [--as NAME]`: act on offers waiting in the running
//! `ferry receive` of this home, through its control socket.

use super::Context;
use crate::cli::AcceptArgs;
use crate::net::control::{self, Reply, Request};
use anyhow::{bail, Result};

pub async fn run(ctx: &Context, args: AcceptArgs) -> Result<()> {
    let request = match (args.id, args.reject) {
        (None, _) => Request::List,
        (Some(id), true) => Request::Reject { id },
        (Some(id), false) => Request::Accept {
            id,
            save_as: args.save_as,
        },
    };
    match control::call(&ctx.home, &request).await? {
        Reply::Offers { offers } => {
            if ctx.console.json() {
                ctx.console
                    .emit_json(&crate::events::Event::PendingOffers { offers });
            } else if offers.is_empty() {
                println!("no offer is waiting");
            } else {
                for o in offers {
                    println!(
                        "{}\t\"{}\"\t{}\tfrom device {}",
                        o.id,
                        crate::proto::text::for_terminal(&o.name),
                        o.size.map_or("streamed".into(), |s| format!("{s} bytes")),
                        o.peer_device
                    );
                }
            }
            Ok(())
        }
        Reply::Ok => {
            let what = if matches!(request, Request::Reject { .. }) {
                "refused"
            } else {
                "accepted"
            };
            ctx.console.say(what);
            Ok(())
        }
        Reply::Error { reason } => bail!("{reason}"),
        other => bail!("the running `ferry receive` answered with {other:?}"),
    }
}
