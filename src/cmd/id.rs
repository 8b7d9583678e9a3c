//! `ferry id`: this device's identity, created on first use.

use super::Context;
use anyhow::Result;

pub fn run(ctx: &Context) -> Result<()> {
    let identity = ctx.identity()?;
    if ctx.console.json() {
        ctx.console.emit_json(&crate::events::Event::Identity {
            account_id: identity.account.to_string(),
            device_id: identity.device.to_string(),
            name: identity.name.clone(),
            home: ctx.home.display().to_string(),
        });
    } else {
        println!("account {}", identity.account);
        println!("device  {}", identity.device);
        println!("name    {}", identity.name);
    }
    Ok(())
}
