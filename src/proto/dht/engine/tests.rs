//! Engines in memory: a network that moves datagrams between nodes and jumps a fake clock to
//! the next deadline, bounded in steps, so minutes of DHT life run in milliseconds.

use super::*;
use std::net::Ipv4Addr;

struct Net {
    nodes: Vec<Engine>,
    now: Instant,
    queue: VecDeque<(SocketAddr, SocketAddr, Vec<u8>)>,
    /// Datagrams delivered so far.
    delivered: u64,
    /// Addresses whose datagrams are dropped (dead nodes).
    dead: HashSet<SocketAddr>,
}

fn addr(i: usize) -> SocketAddr {
    SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(127, 0, (i / 250) as u8, (i % 250 + 1) as u8)),
        4222,
    )
}

impl Net {
    fn new(n: usize, seed: u64) -> Net {
        let now = Instant::now();
        let mut rng = StdRng::seed_from_u64(seed);
        let nodes = (0..n)
            .map(|i| {
                Engine::new(
                    Config {
                        id: InfoHash::random(&mut rng),
                        network: 0,
                        client_only: false,
                        ipv4: true,
                        ipv6: false,
                        seed: seed.wrapping_add(i as u64),
                        unix_at_start: 1_800_000_000,
                    },
                    now,
                )
            })
            .collect();
        Net {
            nodes,
            now,
            queue: VecDeque::new(),
            delivered: 0,
            dead: HashSet::new(),
        }
    }

    fn index(&self, a: SocketAddr) -> Option<usize> {
        (0..self.nodes.len()).find(|i| addr(*i) == a)
    }

    fn collect(&mut self, i: usize) {
        while let Some(t) = self.nodes[i].poll_transmit() {
            self.queue.push_back((addr(i), t.to, t.bytes));
        }
    }

    /// Deliver everything queued, then advance the clock to the next deadline.
    fn step(&mut self) {
        for i in 0..self.nodes.len() {
            self.collect(i);
        }
        if let Some((from, to, bytes)) = self.queue.pop_front() {
            if let Some(j) = self.index(to) {
                if !self.dead.contains(&to) && !self.dead.contains(&from) {
                    self.delivered += 1;
                    self.nodes[j].handle_datagram(self.now, from, &bytes);
                    self.collect(j);
                }
            }
            return;
        }
        let next = self
            .nodes
            .iter()
            .filter_map(Engine::poll_timeout)
            .min()
            .unwrap_or(self.now + Duration::from_secs(1));
        self.now = next.max(self.now);
        for i in 0..self.nodes.len() {
            if self.nodes[i].poll_timeout().is_some_and(|t| t <= self.now) {
                self.nodes[i].handle_timeout(self.now);
            }
        }
    }

    /// Step until `done` returns a value, failing after `max` steps.
    fn run_until<T>(&mut self, max: usize, mut done: impl FnMut(&mut Net) -> Option<T>) -> T {
        for _ in 0..max {
            if let Some(t) = done(self) {
                return t;
            }
            self.step();
        }
        panic!(
            "stuck after {max} steps at t+{:?}, {} datagrams queued",
            self.now.duration_since(self.nodes[0].now.min(self.now)),
            self.queue.len()
        );
    }

    /// Advance the clock by `d`, processing everything on the way.
    fn run_for(&mut self, d: Duration, max: usize) {
        let until = self.now + d;
        self.run_until(max, |net| (net.now >= until).then_some(()));
    }

    fn bootstrap_all(&mut self) {
        let now = self.now;
        for i in 1..self.nodes.len() {
            self.nodes[i].bootstrap(now, &[addr(0)]);
        }
        let n = self.nodes.len();
        // Let maintenance lookups fill the routing tables.
        self.run_for(MAINTENANCE_PERIOD * 3, 200_000 * n.max(10));
    }

    fn events(&mut self, i: usize) -> Vec<Event> {
        std::iter::from_fn(|| self.nodes[i].poll_event()).collect()
    }
}

fn wait_done(net: &mut Net, i: usize, op: OpId, seen: &mut Vec<Event>) -> (bool, String) {
    net.run_until(200_000, |net| {
        for e in net.events(i) {
            seen.push(e);
        }
        seen.iter().find_map(|e| match e {
            Event::Done { op: o, ok, detail } if *o == op => Some((*ok, detail.clone())),
            _ => None,
        })
    })
}

fn values_of(events: &[Event], op: OpId) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Values { op: o, values } if *o == op => Some(values.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn ping_gets_a_pong_and_both_learn_each_other() {
    let mut net = Net::new(2, 1);
    let now = net.now;
    let op = net.nodes[0].ping(now, addr(1));
    let pong = net.run_until(100, |net| {
        net.events(0)
            .into_iter()
            .find(|e| matches!(e, Event::Pong { op: o, .. } if *o == op))
    });
    assert_eq!(
        pong,
        Event::Pong {
            op,
            from: addr(1),
            id: net.nodes[1].id()
        }
    );
    assert_eq!(net.nodes[0].node_counts().0, 1);
    assert_eq!(net.nodes[1].node_counts().0, 1);
    assert_eq!(net.nodes[0].public_addr(), Some(addr(0).ip()));
}

#[test]
fn a_value_put_on_one_node_is_found_from_another() {
    let mut net = Net::new(30, 2);
    net.bootstrap_all();
    let key = InfoHash::of("ferry-test-key");
    let value = Value::new(77, 0, b"hello dht".to_vec(), "text/plain");
    let now = net.now;
    let put = net.nodes[3].put(now, key, value.clone(), false);
    let mut seen = Vec::new();
    let (ok, detail) = wait_done(&mut net, 3, put, &mut seen);
    assert!(ok, "{detail}");
    let stored: usize = net.nodes.iter().map(Engine::stored_values).sum();
    assert!(stored >= SYNC_NODES.min(29) / 2, "stored on {stored} nodes");

    let now = net.now;
    let get = net.nodes[17].get(now, key);
    let mut seen = Vec::new();
    let (ok, _) = wait_done(&mut net, 17, get, &mut seen);
    assert!(ok);
    assert_eq!(values_of(&seen, get), vec![value]);
}

#[test]
fn large_values_travel_as_parts() {
    let mut net = Net::new(12, 3);
    net.bootstrap_all();
    let key = InfoHash::of("big");
    let value = Value::new(5, 0, (0..4096u32).map(|i| i as u8).collect(), "");
    let now = net.now;
    let put = net.nodes[1].put(now, key, value.clone(), false);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 1, put, &mut seen).0);
    let now = net.now;
    let get = net.nodes[9].get(now, key);
    let mut seen = Vec::new();
    wait_done(&mut net, 9, get, &mut seen);
    assert_eq!(values_of(&seen, get), vec![value]);
}

#[test]
fn listen_sees_later_values_and_their_expiry_without_waiting() {
    let mut net = Net::new(16, 4);
    net.bootstrap_all();
    let key = InfoHash::of("watched");
    let now = net.now;
    let listen = net.nodes[2].listen(now, key);
    // Let the listen be placed and renewed a few times (20 s period) on the fake clock.
    net.run_for(Duration::from_secs(70), 500_000);
    let quick = Value::new(9, 5, b"ice candidates".to_vec(), ""); // type 5: 1 minute
    let now = net.now;
    net.nodes[11].put(now, key, quick.clone(), false);
    let got = net.run_until(200_000, |net| {
        let vals = values_of(&net.events(2), listen);
        (!vals.is_empty()).then_some(vals)
    });
    assert_eq!(got[0], quick);
    let expired = net.run_until(2_000_000, |net| {
        net.events(2).into_iter().find_map(|e| match e {
            Event::Expired { op, ids } if op == listen => Some(ids),
            _ => None,
        })
    });
    assert_eq!(expired, vec![9]);
}

#[test]
fn a_permanent_put_survives_expiry_and_stops_when_cancelled() {
    let mut net = Net::new(12, 5);
    net.bootstrap_all();
    let key = InfoHash::of("announcement");
    let value = Value::new(3, 5, b"short-lived type".to_vec(), "");
    let now = net.now;
    let put = net.nodes[4].put(now, key, value, true);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 4, put, &mut seen).0);
    net.run_for(Duration::from_secs(150), 2_000_000);
    let stored: usize = net.nodes.iter().map(Engine::stored_values).sum();
    assert!(
        stored > 0,
        "a permanent value must be re-announced before it expires"
    );
    net.nodes[4].cancel(put);
    net.run_for(Duration::from_secs(130), 2_000_000);
    let stored: usize = net.nodes.iter().map(Engine::stored_values).sum();
    assert_eq!(stored, 0, "a cancelled put expires");
}

#[test]
fn dead_nodes_are_routed_around() {
    let mut net = Net::new(25, 6);
    net.bootstrap_all();
    for i in [5, 6, 7, 8, 9] {
        net.dead.insert(addr(i));
    }
    let key = InfoHash::of("resilient");
    let value = Value::new(1, 0, b"v".to_vec(), "");
    let now = net.now;
    let put = net.nodes[1].put(now, key, value.clone(), false);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 1, put, &mut seen).0);
    let now = net.now;
    let get = net.nodes[20].get(now, key);
    let mut seen = Vec::new();
    wait_done(&mut net, 20, get, &mut seen);
    assert_eq!(values_of(&seen, get), vec![value]);
}

#[test]
fn a_node_that_left_does_not_hold_puts_and_listens_back() {
    // A small network where one of the closest nodes has gone silent (a process that exited):
    // a value put near it must reach a listener within about one retransmission wait, not
    // after the silent node's full timeout.
    let mut net = Net::new(6, 11);
    net.bootstrap_all();
    net.dead.insert(addr(3));
    let key = InfoHash::of("peer:somebody");
    let now = net.now;
    let listen = net.nodes[1].listen(now, key);
    let mut seen = Vec::new();
    net.run_for(Duration::from_secs(10), 200_000);
    seen.extend(net.events(1));
    let value = Value::new(7, 0, b"offer".to_vec(), "peer_request");
    let start = net.now;
    let put = net.nodes[2].put(start, key, value.clone(), false);
    let arrived = net.run_until(200_000, |net| {
        seen.extend(net.events(1));
        values_of(&seen, listen).contains(&value).then_some(net.now)
    });
    let latency = arrived - start;
    assert!(
        latency <= SLOW_NODE + Duration::from_millis(300),
        "the value took {latency:?} to reach the listener"
    );
    let mut put_events = Vec::new();
    assert!(wait_done(&mut net, 2, put, &mut put_events).0);
}

#[test]
fn wrong_network_bad_tokens_and_garbage_are_dropped_and_counted() {
    let mut net = Net::new(2, 7);
    let now = net.now;
    let ping = Message {
        kind: Kind::Ping,
        tid: 1,
        network: 5,
        id: Some(InfoHash([9; 20])),
        ..Message::default()
    };
    net.nodes[0].handle_datagram(now, addr(1), &ping.encode());
    assert_eq!(net.nodes[0].stats().wrong_network, 1);
    assert!(net.nodes[0].poll_transmit().is_none());

    net.nodes[0].handle_datagram(now, addr(1), b"\x81\xa1y\xa1q");
    assert_eq!(net.nodes[0].stats().malformed, 1);

    let put = Message {
        kind: Kind::Put,
        tid: 2,
        id: Some(InfoHash([9; 20])),
        info_hash: Some(InfoHash([1; 20])),
        token: Some(vec![0; 32]),
        values: vec![WireValue::Inline(Value::new(1, 0, vec![1], ""))],
        ..Message::default()
    };
    net.nodes[0].handle_datagram(now, addr(1), &put.encode());
    assert_eq!(net.nodes[0].stats().bad_tokens, 1);
    let reply = Message::decode(&net.nodes[0].poll_transmit().unwrap().bytes).unwrap();
    assert_eq!(reply.kind, Kind::Error);
    assert_eq!(reply.error.unwrap().0, 401);
    assert_eq!(net.nodes[0].stored_values(), 0);

    let mut own = ping.clone();
    own.network = 0;
    own.id = Some(net.nodes[0].id());
    while net.nodes[0].poll_transmit().is_some() {}
    net.nodes[0].handle_datagram(now, addr(1), &own.encode());
    assert!(
        net.nodes[0].poll_transmit().is_none(),
        "messages from our own id are dropped"
    );
}

#[test]
fn requests_over_the_per_ip_rate_are_dropped() {
    let mut net = Net::new(1, 8);
    let now = net.now;
    let ping = Message {
        kind: Kind::Ping,
        tid: 1,
        id: Some(InfoHash([9; 20])),
        ..Message::default()
    }
    .encode();
    for _ in 0..RATE_PER_IP + 10 {
        net.nodes[0].handle_datagram(now, addr(5), &ping);
    }
    assert_eq!(net.nodes[0].stats().rate_limited, 10);
    let later = now + Duration::from_secs(2);
    net.nodes[0].handle_datagram(later, addr(5), &ping);
    assert_eq!(net.nodes[0].stats().rate_limited, 10);
}

/// The simulation the issue asks for: lookups in networks of growing size, reporting hops and
/// messages per lookup. Run with `--nocapture` to see the table.
#[test]
fn lookups_scale_logarithmically_up_to_200_nodes() {
    let mut rows = Vec::new();
    for n in [25usize, 50, 100, 200] {
        let mut net = Net::new(n, 100 + n as u64);
        net.bootstrap_all();
        let mut rng = StdRng::seed_from_u64(n as u64);
        let lookups = 20;
        let mut messages = 0u64;
        let mut found = 0;
        for k in 0..lookups {
            let key = InfoHash::random(&mut rng);
            let value = Value::new(k + 1, 0, vec![k as u8], "");
            let (a, b) = (rng.gen_range(0..n), rng.gen_range(0..n));
            let now = net.now;
            let put = net.nodes[a].put(now, key, value.clone(), false);
            let mut seen = Vec::new();
            wait_done(&mut net, a, put, &mut seen);
            let before = net.nodes[b].stats().requests_sent;
            let now = net.now;
            let get = net.nodes[b].get(now, key);
            let mut seen = Vec::new();
            wait_done(&mut net, b, get, &mut seen);
            messages += net.nodes[b].stats().requests_sent - before;
            if values_of(&seen, get).contains(&value) {
                found += 1;
            }
        }
        let (hops, count): (u64, u64) = net
            .nodes
            .iter()
            .map(|e| (e.stats().lookup_hops, e.stats().lookups))
            .fold((0, 0), |(h, c), (a, b)| (h + a, c + b));
        let hops = hops as f64 / count.max(1) as f64;
        let msgs = messages as f64 / lookups as f64;
        rows.push((n, hops, msgs, found));
        assert_eq!(
            found, lookups,
            "every value must be found in a network of {n}"
        );
    }
    println!("nodes  hops/lookup  messages/lookup");
    for (n, hops, msgs, _) in &rows {
        println!("{n:5}  {hops:11.2}  {msgs:15.1}");
    }
    // O(log n): quadrupling the network adds a small constant, not a factor.
    let (small, large) = (rows[0], rows[3]);
    assert!(large.2 < small.2 * 2.5 + 10.0, "{rows:?}");
    assert!(large.1 < 8.0, "{rows:?}");
}

/// Bytes a node sends to `to` until its queue is empty.
/// A client-only node (a `send`), in place of one of a [`Net`]'s full nodes.
fn client(now: Instant, seed: u64) -> Engine {
    client_named(now, seed, "client")
}

fn client_named(now: Instant, seed: u64, name: &str) -> Engine {
    Engine::new(
        Config {
            id: InfoHash::of(name),
            network: 0,
            client_only: true,
            ipv4: true,
            ipv6: false,
            seed,
            unix_at_start: 1_800_000_000,
        },
        now,
    )
}

fn drain_bytes_to(node: &mut Engine, to: SocketAddr) -> (usize, Vec<Message>) {
    let mut bytes = 0;
    let mut msgs = Vec::new();
    while let Some(t) = node.poll_transmit() {
        if t.to == to {
            bytes += t.bytes.len();
            if let Ok(m) = Message::decode(&t.bytes) {
                msgs.push(m);
            }
        }
    }
    (bytes, msgs)
}

#[test]
fn declared_value_sizes_from_a_forged_source_make_the_node_hold_nothing() {
    let mut net = Net::new(1, 9);
    let now = net.now;
    let victim = addr(7);
    // A put and a reply nobody asked for, each declaring 20,000 values of 65,000 bytes.
    for (kind, tid) in [(Kind::Put, 1), (Kind::Reply, 2), (Kind::Update, 3)] {
        let msg = Message {
            kind,
            tid,
            id: Some(InfoHash([9; 20])),
            info_hash: Some(InfoHash([1; 20])),
            socket_id: Some(1),
            values: vec![WireValue::Size(65_000); 20_000],
            ..Message::default()
        };
        net.nodes[0].handle_datagram(now, victim, &msg.encode());
    }
    assert_eq!(net.nodes[0].assemblies.len(), 0);
    assert_eq!(net.nodes[0].assemblies.reserved(), 0);
    assert_eq!(net.nodes[0].stats().parts_dropped, 3);
    // Parts for them are dropped too, and the node still answers.
    let part = Message {
        kind: Kind::ValueParts,
        tid: 2,
        parts: vec![(0, 0, vec![0; 1200])],
        ..Message::default()
    };
    net.nodes[0].handle_datagram(now, victim, &part.encode());
    assert_eq!(net.nodes[0].assemblies.len(), 0);
    let ping = Message {
        kind: Kind::Ping,
        tid: 4,
        id: Some(InfoHash([9; 20])),
        ..Message::default()
    };
    net.nodes[0].handle_datagram(now, victim, &ping.encode());
    let (_, msgs) = drain_bytes_to(&mut net.nodes[0], victim);
    assert!(msgs.iter().any(|m| m.kind == Kind::Reply && m.tid == 4));
}

#[test]
fn a_reply_is_reassembled_only_from_the_address_the_request_went_to() {
    let mut net = Net::new(6, 10);
    net.bootstrap_all();
    let key = InfoHash::of("parts-from-elsewhere");
    let big = Value::new(3, 0, vec![5; 4000], "");
    let now = net.now;
    let op = net.nodes[1].put(now, key, big.clone(), false);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 1, op, &mut seen).0);
    let now = net.now;
    let get = net.nodes[4].get(now, key);
    // Every request in flight is answered first, with parts, by an address it did not go to.
    let tids: Vec<u32> = net.nodes[4].pending.keys().copied().collect();
    assert!(!tids.is_empty());
    for tid in tids {
        let forged = Message {
            kind: Kind::Reply,
            tid,
            id: Some(InfoHash([9; 20])),
            values: vec![WireValue::Size(60_000)],
            ..Message::default()
        };
        net.nodes[4].handle_datagram(now, addr(200), &forged.encode());
    }
    assert_eq!(net.nodes[4].assemblies.len(), 0);
    let mut seen = Vec::new();
    wait_done(&mut net, 4, get, &mut seen);
    let found = values_of(&seen, get);
    assert!(
        found.len() == 1 && found[0] == big,
        "found {} values",
        found.len()
    );
}

#[test]
fn an_unverified_address_gets_at_most_ten_times_its_request_until_it_answers_a_ping() {
    let mut net = Net::new(2, 11);
    let key = InfoHash::of("amplifier");
    let now = net.now;
    // 50 values of 60 KB, stored by a node that proved its address with a token.
    for id in 1..=50 {
        let v = Value::new(id, 0, vec![id as u8; 60_000], "");
        net.nodes[0].storage.store(key, v, None, now, addr(5).ip());
    }
    let get = Message {
        kind: Kind::Get,
        tid: 77,
        id: Some(InfoHash([9; 20])),
        info_hash: Some(key),
        ..Message::default()
    }
    .encode();
    let victim = addr(8);
    net.nodes[0].handle_datagram(now, victim, &get);
    let (sent, msgs) = drain_bytes_to(&mut net.nodes[0], victim);
    assert!(
        sent <= get.len() * AMPLIFICATION_FACTOR,
        "{sent} bytes for a {}-byte get",
        get.len()
    );
    assert!(msgs.iter().all(|m| m.kind == Kind::Ping), "{msgs:?}");
    // The victim never answers: after the wait it gets the answer cut to the budget.
    let later = now + amplification::HOLD_WAIT;
    net.nodes[0].handle_timeout(later);
    let (sent, msgs) = drain_bytes_to(&mut net.nodes[0], victim);
    assert!(sent <= get.len() * AMPLIFICATION_FACTOR, "{sent}");
    assert!(msgs.iter().any(|m| m.kind == Kind::Reply && m.tid == 77));
    assert!(net.nodes[0].stats().replies_cut >= 1);

    // An honest node answers the ping and gets every value.
    net.nodes[1].bootstrap(later, &[addr(0)]);
    net.run_for(Duration::from_secs(2), 10_000);
    let now = net.now;
    let op = net.nodes[1].get(now, key);
    let mut seen = Vec::new();
    wait_done(&mut net, 1, op, &mut seen);
    let found = values_of(&seen, op).len();
    assert_eq!(found, 50);
}

/// A client (a `send`) whose large `get` was held until it proved its address is served, and
/// not kept as a node: it is gone once its command ends, and a node that gave it out would
/// make the next lookup wait on it.
#[test]
fn a_client_that_proves_its_address_is_served_and_not_given_out() {
    let mut net = Net::new(2, 13);
    let now = net.now;
    net.nodes[1] = client(now, 98);
    let key = InfoHash::of("large");
    for id in 1..=20 {
        let v = Value::new(id, 0, vec![id as u8; 60_000], "");
        net.nodes[0].storage.store(key, v, None, now, addr(5).ip());
    }
    net.nodes[1].bootstrap(now, &[addr(0)]);
    net.run_for(Duration::from_secs(2), 10_000);
    let now = net.now;
    let get = net.nodes[1].get(now, key);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 1, get, &mut seen).0);
    assert_eq!(
        values_of(&seen, get).len(),
        20,
        "the proven client gets it all"
    );
    assert_eq!(
        net.nodes[0].node_counts(),
        (0, 0),
        "the client is not a node to give out"
    );
}

/// A client (a `send`) that listens on a node answers the updates that node pushes to it,
/// and is still a client: that node keeps it out of its routing table, as OpenDHT keeps a
/// node it knows as a client (`if (not node->isClient()) onNewNode`). It is gone once its
/// command ends: given out, it made the next sender's lookups wait [`SLOW_NODE`] on it, and
/// the receiver's answer too (a set-up of about 1 s instead of 65 ms through ferry's own
/// bootstrap node).
#[test]
fn a_client_that_answers_an_update_is_not_given_out() {
    // 0: the bootstrap node (`ferry dht node`), 1: a receiver, 2 and 3: two sends in turn.
    let mut net = Net::new(4, 14);
    let now = net.now;
    net.nodes[2] = client_named(now, 97, "first send");
    net.nodes[3] = client_named(now, 96, "second send");
    net.nodes[1].bootstrap(now, &[addr(0)]);
    net.nodes[2].bootstrap(now, &[addr(0)]);
    net.run_for(Duration::from_secs(2), 10_000);

    // The first send waits for the answer at its key; the receiver's answer reaches it as an
    // update, which it acknowledges.
    let now = net.now;
    let key = InfoHash::of("peer:first send");
    let answers = net.nodes[2].listen(now, key);
    net.run_for(Duration::from_secs(1), 10_000);
    let answer = Value::new(3, 0, b"answer".to_vec(), "");
    let now = net.now;
    net.nodes[1].put(now, key, answer.clone(), false);
    let heard = net.run_until(10_000, |net| {
        let events = net.events(2);
        let v = values_of(&events, answers);
        (!v.is_empty()).then_some(v)
    });
    assert_eq!(heard, vec![answer]);
    net.run_for(Duration::from_millis(100), 10_000);
    assert_eq!(
        net.nodes[0].node_counts(),
        (1, 0),
        "the bootstrap node knows the receiver, and not the client as a node"
    );

    // Its command ends; the next send looks the receiver up as soon as it knows a node (as
    // `send` does), without waiting on it.
    net.dead.insert(addr(2));
    let now = net.now;
    net.nodes[3].bootstrap(now, &[addr(0)]);
    net.run_until(1_000, |net| {
        (net.nodes[3].node_counts().0 > 0).then_some(())
    });
    let start = net.now;
    let get = net.nodes[3].get(start, InfoHash::of("device:receiver"));
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 3, get, &mut seen).0);
    let took = net.now - start;
    assert!(
        took < SLOW_NODE,
        "the next lookup took {took:?}: it waited on the client that left"
    );
}

/// The client flag is a node's own word, kept from when it was first heard (as OpenDHT's node
/// cache keeps it): a forged client's request under the id of a node being confirmed does not
/// stop that node's answer from confirming it.
#[test]
fn a_client_claim_under_a_known_nodes_id_does_not_unmake_it() {
    let mut net = Net::new(2, 15);
    let now = net.now;
    net.nodes[1].ping(now, addr(0));
    net.collect(1);
    let (from, _, ping) = net.queue.pop_front().expect("the ping");
    net.nodes[0].handle_datagram(now, from, &ping);
    let forged = Message {
        kind: Kind::Ping,
        tid: 9,
        is_client: true,
        id: Some(net.nodes[1].id()),
        ..Message::default()
    };
    for bytes in forged.encode_with_parts() {
        net.nodes[0].handle_datagram(now, addr(7), &bytes);
    }
    net.run_for(Duration::from_secs(2), 10_000);
    let given = net.nodes[0]
        .table4
        .closest_confirmed(&InfoHash::of("any"), 8, net.now);
    assert_eq!(given.len(), 1, "node 1 answered and is given out");
    assert_eq!(given[0].addr, addr(1));
}

/// Two devices alone on a LAN: a full node (a receiver) and a client (a sender) that found it.
/// The full node keeps its own values, so the client finds them there; what the client puts
/// reaches the full node's own listen; the full node's answer reaches the client's listen.
#[test]
fn a_full_node_alone_serves_its_own_values_and_hears_a_client() {
    let mut net = Net::new(2, 12);
    let now = net.now;
    net.nodes[1] = client(now, 99);
    // The receiver announces with nobody else around.
    let announce = Value::new(1, 0, b"announcement".to_vec(), "");
    let put = net.nodes[0].put(now, InfoHash::of("device"), announce.clone(), true);
    let offers = net.nodes[0].listen(now, InfoHash::of("peer:receiver"));
    let mut seen = Vec::new();
    let (ok, detail) = wait_done(&mut net, 0, put, &mut seen);
    assert!(ok, "{detail}");
    assert!(detail.contains("this node only"), "{detail}");

    // The sender found it (multicast discovery, here a bootstrap) and reads the announcement.
    let now = net.now;
    net.nodes[1].bootstrap(now, &[addr(0)]);
    net.run_for(Duration::from_secs(2), 10_000);
    let now = net.now;
    let answers = net.nodes[1].listen(now, InfoHash::of("peer:sender"));
    let get = net.nodes[1].get(now, InfoHash::of("device"));
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 1, get, &mut seen).0);
    assert_eq!(values_of(&seen, get), vec![announce]);

    // Its offer lands on the receiver and reaches the receiver's own listen.
    let offer = Value::new(2, 0, b"offer".to_vec(), "");
    let now = net.now;
    net.nodes[1].put(now, InfoHash::of("peer:receiver"), offer.clone(), false);
    let heard = net.run_until(10_000, |net| {
        let events = net.events(0);
        let v = values_of(&events, offers);
        (!v.is_empty()).then_some(v)
    });
    assert_eq!(heard, vec![offer]);

    // The receiver's answer, stored only on itself, reaches the sender's listen there.
    let answer = Value::new(3, 0, b"answer".to_vec(), "");
    let now = net.now;
    net.nodes[0].put(now, InfoHash::of("peer:sender"), answer.clone(), false);
    let heard = net.run_until(10_000, |net| {
        let events = net.events(1);
        let v = values_of(&events, answers);
        (!v.is_empty()).then_some(v)
    });
    assert_eq!(heard, vec![answer]);
}

#[test]
fn a_node_silent_in_one_search_does_not_hold_the_next_back() {
    // The get, the put and the peer's answer of one connection all search near the same
    // nodes: one that did not answer the first (behind a NAT, reachable by others only) must
    // not cost SLOW_NODE again in the second. It is still asked, and heard if it answers.
    let mut net = Net::new(6, 11);
    net.bootstrap_all();
    net.dead.insert(addr(3));
    let key = InfoHash::of("peer:somebody");
    let now = net.now;
    let get = net.nodes[2].get(now, key);
    let mut seen = Vec::new();
    assert!(wait_done(&mut net, 2, get, &mut seen).0);
    let first = net.now - now;
    let value = Value::new(7, 0, b"offer".to_vec(), "peer_request");
    let start = net.now;
    let put = net.nodes[2].put(start, key, value, false);
    assert!(wait_done(&mut net, 2, put, &mut seen).0);
    let second = net.now - start;
    assert!(
        first >= SLOW_NODE,
        "the first search waits for the silent node: {first:?}"
    );
    assert!(
        second < SLOW_NODE,
        "the next search near it waited {second:?} (the first took {first:?})"
    );
}
