//! Deterministic synthetic demo data (`demoDataset`): a people directory (SPEC 2.1) and
//! e-mail, meeting and call records (SPEC 2.2) for one organization and its customer
//! accounts; the dashboard's default dataset and the benchmark input.

// The model: "northwind.example" with eight departments; customer accounts
// ("contoso-7", domain "contoso-7.example") of 2-8 contacts with Zipf-like sizes
// and a trend each (steady, growing, declining, churned, new); each account has a
// team (a salesperson, a customer success manager, optional roles) that does most
// of its traffic. Activity weights are Pareto. One year ending at the last e-mail,
// 2026-10-30T17:00:00Z (`END`), 70 % e-mail in threads of 1-6 alternating messages
// with log-normal reply delays, 20 % meetings (2 % in the 30 days after `END`, 3 %
// cancelled), 10 % calls. The viewer, alex.morgan@northwind.example (Sales), owns
// the largest account and a fixed set of others.
//
// Everything comes from the seed through a private xoshiro256** generator, with
// integer and IEEE basic arithmetic only (own `ln`/`exp`, no platform libm, no wall
// clock, no hash-map iteration), so the text is byte-identical for the same options
// on every target, wasm32 included.

use std::collections::HashSet;

/// Text format of the interactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoFormat {
    /// One JSON array.
    Json,
    /// One JSON object a line.
    Ndjson,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Seed of the generator: the same options give byte-identical text.
    pub seed: u64,
    /// Exact number of interaction records (each e-mail of a thread counts).
    pub interactions: usize,
    /// Format of [`DemoDataset::interactions`].
    pub format: DemoFormat,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { seed: 42, interactions: 10_000, format: DemoFormat::Json }
    }
}

/// A generated dataset, ready for `loadPeople` / `loadInteractions`.
#[derive(Clone, Debug)]
pub struct DemoDataset {
    /// JSON array text of the people directory (SPEC 2.1).
    pub people: String,
    /// JSON array text or NDJSON text of the interactions (SPEC 2.2).
    pub interactions: String,
    /// Id of the signed-in user to use with this dataset (an active salesperson).
    pub viewer: String,
    /// The organization's e-mail domain(s).
    pub internal_domains: Vec<String>,
    /// RFC 3339 UTC time of the latest e-mail: the default reference time.
    pub now: String,
}

/// Generates the dataset described by `opts`.
pub fn demo_dataset(opts: &DemoOptions) -> DemoDataset {
    let mut rng = Rng::new(opts.seed);
    let world = World::build(&mut rng, opts.interactions);
    let people = world.people_json();
    let interactions = Gen::run(&world, rng, opts.interactions, opts.format == DemoFormat::Ndjson);
    let mut now = String::with_capacity(20);
    push_time(&mut now, END);
    DemoDataset {
        people,
        interactions,
        viewer: world.people[0].id.clone(),
        internal_domains: vec![INTERNAL_DOMAIN.to_string()],
        now,
    }
}

// ---------------------------------------------------------------------------
// Constants of the simulated world

const INTERNAL_DOMAIN: &str = "northwind.example";
const VIEWER_FIRST: &str = "alex";
const VIEWER_LAST: &str = "morgan";

const DEPARTMENTS: [&str; 8] =
    ["Sales", "Customer Success", "Engineering", "Marketing", "Finance", "Support", "Product", "Legal"];
const SALES: usize = 0;
const CUSTOMER_SUCCESS: usize = 1;
/// Share of the headcount of each department.
const DEPT_SHARE: [f64; 8] = [0.22, 0.15, 0.25, 0.08, 0.06, 0.12, 0.08, 0.04];
/// How much each department talks to customers.
const DEPT_EXTERNAL: [f64; 8] = [1.0, 0.9, 0.35, 0.3, 0.15, 0.8, 0.4, 0.15];
/// Optional account-team roles: department, probability, weight in the team.
const TEAM_EXTRAS: [(usize, f64, f64); 6] = [
    (5, 0.5, 0.5),  // Support
    (2, 0.45, 0.4), // Engineering
    (6, 0.2, 0.25), // Product
    (7, 0.1, 0.15), // Legal
    (4, 0.1, 0.15), // Finance
    (3, 0.1, 0.2),  // Marketing
];

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const WEEK: i64 = 7 * DAY;
const SPAN_DAYS: i64 = 365;
/// Day of the last e-mail: Friday 2026-10-30.
const END_DAY: i64 = days_from_civil(2026, 10, 30);
/// The last e-mail, 2026-10-30T17:00:00Z; also the dataset's `now`.
const END: i64 = END_DAY * DAY + 17 * HOUR;
const START_DAY: i64 = END_DAY - (SPAN_DAYS - 1);
const WORK_START: i64 = 8 * HOUR;
const WORK_END: i64 = 18 * HOUR;

/// Share of address occurrences written in another letter case.
const MIXED_CASE: f64 = 0.05;
/// Chance that a person with an alias is written with it.
const ALIAS_USE: f64 = 0.3;

const THREAD_LEN: [f64; 6] = [0.34, 0.26, 0.17, 0.11, 0.07, 0.05];
const MEAN_THREAD_LEN: f64 = 2.46;
const MEETING_MINUTES: [u32; 5] = [15, 30, 45, 60, 90];
const MEETING_MINUTES_W: [f64; 5] = [0.1, 0.35, 0.12, 0.33, 0.1];
/// Weights of meeting start hours 08..=17.
const MEETING_HOUR_W: [f64; 10] = [1.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 4.0, 3.0, 1.0];

/// Space-separated name lists.
const FIRST_NAMES: &str = "\
    ada alan amara andre anika ben bianca carla chen chloe daniel dara david diego elena \
    eli emma erik fatima felix fiona gabriel grace hana hugo ian imani ines isaac ivy \
    jack jamal jana javier jin jonas julia kai karin kenji kira lars laura leila leo \
    lina lucas luis maya mei mila miguel mira nadia nia nikolai noah nora olga omar \
    oscar paula pedro priya quinn rafael rania ravi rosa ruth sam sara sean sofia sven \
    tara theo tomas uma valentina victor vera wei will xavier yara yusuf zara zoe aiko \
    bruno camila dmitri esther farah greta";

const LAST_NAMES: &str = "\
    abbott adeyemi alvarez andersen bauer becker bennett bianchi brooks carter castillo \
    chang chen cohen costa cruz dahl das diaz dubois edwards ellis eriksen evans fischer \
    fleming fontaine foster garcia gill gomez gray gupta hahn hansen harris hayes \
    hoffman hughes ibrahim ito jensen johansson kato keller khan kim klein kowalski \
    kumar lambert larsen lee lindqvist lopez mahmoud martin meyer mills moreau morris \
    muller murphy nakamura nguyen nielsen novak obrien okafor olsen ortiz park patel \
    perez peters quinn ramos reyes richter rossi russo sato schmidt schulz silva singh \
    sousa stein suzuki tanaka taylor torres vargas vogel wagner walsh wang weber white \
    wong wright yamamoto young zhang zimmer ahmed baker bishop blake carlsen dawson \
    eklund ferreira haas ivanova jovanovic lindgren mendes novotny petrov";

const COMPANIES: &str = "\
    contoso fabrikam adatum litware tailspin wingtip woodgrove proseware lucerne alpine \
    fourthcoffee blueyonder coho wideworld humongous trey relecloud margies southridge \
    vanarsdel lamna consolidated northridge fincher bellows contrail cronus gemini \
    boreal kestrel meridian halcyon quarry sable tamarack upland verdant zephyr ironbark \
    oakhurst";

// ---------------------------------------------------------------------------
// Random numbers and deterministic arithmetic

/// xoshiro256** seeded through SplitMix64.
#[derive(Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut s = [0u64; 4];
        for v in s.iter_mut() {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *v = z ^ (z >> 31);
        }
        Rng { s }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0.
    fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Marsaglia's polar method: only ln and sqrt).
    fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.f64() - 1.0;
            let v = 2.0 * self.f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// Pareto(alpha) on [1, cap].
    fn pareto(&mut self, alpha: f64, cap: f64) -> f64 {
        let u = 1.0 - self.f64(); // (0, 1]
        exp(-ln(u) / alpha).min(cap)
    }

    /// Index drawn from small unnormalized weights.
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

const LN2: f64 = std::f64::consts::LN_2;

/// Natural logarithm from IEEE basic operations only (identical on every
/// target, unlike the platform's libm). Accurate to a few ulps for x > 0.
fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return -745.0;
    }
    if x.is_infinite() {
        return 710.0;
    }
    let mut x = x;
    let mut e: i64 = 0;
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 54) as f64;
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), |s| <= 0.1716
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 30.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e as f64 * LN2
}

/// Exponential from IEEE basic operations only.
fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return 0.0;
    }
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN2 + 0.5).floor();
    let r = x - k * LN2; // |r| <= ln2/2 (plus rounding)
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut i = 1.0;
    while i < 18.0 {
        term *= r / i;
        sum += term;
        i += 1.0;
    }
    let k = k as i64;
    sum * f64::from_bits(((k + 1023) as u64) << 52)
}

/// Cumulative weights for O(log n) weighted sampling.
struct Cdf {
    cum: Vec<f64>,
}

impl Cdf {
    fn new(weights: impl Iterator<Item = f64>) -> Cdf {
        let mut total = 0.0;
        let cum = weights
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Cdf { cum }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = match self.cum.last() {
            Some(&t) => t,
            None => return 0,
        };
        let x = rng.f64() * total;
        self.cum.partition_point(|&c| c <= x).min(self.cum.len() - 1)
    }
}

// ---------------------------------------------------------------------------
// Calendar

/// Days since 1970-01-01 of a proleptic Gregorian date.
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Date of a day number since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m as u32, d as u32)
}

/// 0 = Monday .. 6 = Sunday.
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

fn in_working_hours(t: i64) -> bool {
    let sec = t.rem_euclid(DAY);
    weekday(t.div_euclid(DAY)) < 5 && (WORK_START..WORK_END).contains(&sec)
}

/// Start of the next working period at or after `t`.
fn next_working_start(t: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    if t.rem_euclid(DAY) >= WORK_START {
        day += 1;
    }
    while weekday(day) >= 5 {
        day += 1;
    }
    day * DAY + WORK_START
}

/// End of the latest working period at or before `t`.
fn prev_working_end(t: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    if t.rem_euclid(DAY) < WORK_END {
        day -= 1;
    }
    while weekday(day) >= 5 {
        day -= 1;
    }
    day * DAY + WORK_END
}

/// Moves a weekend day to the nearest weekday, staying at or before END_DAY.
fn to_weekday(day: i64) -> i64 {
    match weekday(day) {
        5 => day - 1,
        6 if day < END_DAY => day + 1,
        6 => day - 2,
        _ => day,
    }
}

fn push_time(out: &mut String, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    push_padded(out, y.max(0) as u64, 4);
    out.push('-');
    push_padded(out, m as u64, 2);
    out.push('-');
    push_padded(out, d as u64, 2);
    out.push('T');
    push_padded(out, (s / HOUR) as u64, 2);
    out.push(':');
    push_padded(out, (s % HOUR / 60) as u64, 2);
    out.push(':');
    push_padded(out, (s % 60) as u64, 2);
    out.push('Z');
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(b as char);
    }
}

/// Writes an ASCII address, changing its letter case for `variant` 1..=3.
fn push_cased(out: &mut String, s: &str, variant: u8) {
    if variant == 0 {
        out.push_str(s);
        return;
    }
    let mut in_domain = false;
    let mut word_start = true;
    let mut domain_label = 0;
    for &b in s.as_bytes() {
        let c = match variant {
            // "Ada.Lovelace@Northwind.example"
            1 => {
                if word_start && (!in_domain || domain_label == 0) {
                    b.to_ascii_uppercase()
                } else {
                    b
                }
            }
            // "ADA.LOVELACE@NORTHWIND.EXAMPLE"
            2 => b.to_ascii_uppercase(),
            // "Ada.Lovelace@northwind.example"
            _ => {
                if word_start && !in_domain {
                    b.to_ascii_uppercase()
                } else {
                    b
                }
            }
        };
        out.push(c as char);
        word_start = matches!(b, b'.' | b'-' | b'@');
        if b == b'@' {
            in_domain = true;
        } else if in_domain && b == b'.' {
            domain_label += 1;
        }
    }
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    out.push_str(s); // generated text is plain ASCII without quotes or backslashes
    out.push('"');
}

fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        out.push(if i == 0 { c.to_ascii_uppercase() } else { c });
    }
    out
}

// ---------------------------------------------------------------------------
// The world: people, accounts, account teams

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trend {
    Steady,
    Growing,
    Declining,
    Churned,
    New,
}

struct Person {
    id: String,
    name: String,
    alias: Option<String>,
    internal: bool,
    dept: usize,
    account: usize,
    opted_out: bool,
    /// Activity weight (heavy-tailed).
    weight: f64,
    /// Personal factor on reply delays.
    resp: f64,
}

struct Account {
    id: String,
    first_contact: usize,
    contacts: usize,
    contact_total: f64,
    trend: Trend,
    resp: f64,
    team_start: usize,
    team_len: usize,
}

struct World {
    people: Vec<Person>,
    n_int: usize,
    accounts: Vec<Account>,
    /// Account teams, flat: (internal person, selection weight).
    teams: Vec<(usize, f64)>,
    acc_cdf: Cdf,
    /// Internal people by activity (internal-only mail).
    int_cdf: Cdf,
    /// Internal people by activity with customers.
    ext_facing_cdf: Cdf,
    dept_members: Vec<Vec<usize>>,
    dept_cdf: Vec<Cdf>,
    /// Per day of the year: chance to keep a drawn day (holidays, growth).
    day_accept: Vec<f64>,
}

impl World {
    fn build(rng: &mut Rng, n: usize) -> World {
        let n_int = (n / 500 + 20).clamp(30, 2500).min((n / 3).max(8));
        let n_acc = (n / 1000 + 50).min(1500).min((n / 8).max(3));
        let first_names: Vec<&str> = FIRST_NAMES.split_ascii_whitespace().collect();
        let last_names: Vec<&str> = LAST_NAMES.split_ascii_whitespace().collect();
        let companies: Vec<&str> = COMPANIES.split_ascii_whitespace().collect();
        let mut used: HashSet<String> = HashSet::new();
        let mut people: Vec<Person> = Vec::with_capacity(n_int + n_acc * 6);

        // Internal people; the viewer first.
        for i in 0..n_int {
            let (first, last) = if i == 0 {
                (VIEWER_FIRST, VIEWER_LAST)
            } else {
                (
                    first_names[rng.below(first_names.len() as u64) as usize],
                    last_names[rng.below(last_names.len() as u64) as usize],
                )
            };
            let dept = if i < DEPARTMENTS.len() { i } else { rng.pick(&DEPT_SHARE) };
            let id = unique_address(&mut used, &format!("{first}.{last}"), INTERNAL_DOMAIN);
            let weight = rng.pareto(1.4, 20.0);
            let resp = exp(0.35 * rng.normal());
            people.push(Person {
                id,
                name: format!("{} {}", capitalize(first), capitalize(last)),
                alias: None,
                internal: true,
                dept,
                account: 0,
                opted_out: false,
                weight,
                resp,
            });
        }
        let max_w = people.iter().skip(1).fold(1.0f64, |m, p| m.max(p.weight));
        people[0].weight = (max_w * 1.3).max(6.0);

        let mut dept_members: Vec<Vec<usize>> = vec![Vec::new(); DEPARTMENTS.len()];
        for (i, p) in people.iter().enumerate() {
            dept_members[p.dept].push(i);
        }
        let dept_cdf: Vec<Cdf> =
            dept_members.iter().map(|m| Cdf::new(m.iter().map(|&i| people[i].weight))).collect();

        // Accounts and their contacts.
        let mut accounts = Vec::with_capacity(n_acc);
        let mut acc_weights = Vec::with_capacity(n_acc);
        let mut teams: Vec<(usize, f64)> = Vec::with_capacity(n_acc * 4);
        for a in 0..n_acc {
            let base = companies[rng.below(companies.len() as u64) as usize];
            let id = format!("{base}-{}", a + 1);
            let domain = format!("{id}.example");
            let trend = match rng.pick(&[0.58, 0.15, 0.14, 0.08, 0.05]) {
                0 => Trend::Steady,
                1 => Trend::Growing,
                2 => Trend::Declining,
                3 => Trend::Churned,
                _ => Trend::New,
            };
            let resp = exp(0.45 * rng.normal());
            // Zipf-like account sizes, the largest first, with some noise.
            acc_weights.push(exp(-0.8 * ln((a + 1) as f64)) * (0.75 + 0.5 * rng.f64()));
            let mut contacts = 2 + rng.below(4) as usize;
            if a < n_acc / 10 + 1 {
                contacts += rng.below(3) as usize;
            }
            let contacts = contacts.min(8);
            let first_contact = people.len();
            let mut contact_total = 0.0;
            for c in 0..contacts {
                let first = first_names[rng.below(first_names.len() as u64) as usize];
                let last = last_names[rng.below(last_names.len() as u64) as usize];
                let pid = unique_address(&mut used, &format!("{first}.{last}"), &domain);
                let mut weight = rng.pareto(1.5, 30.0);
                if c == 0 {
                    weight *= 2.0; // the main contact
                }
                contact_total += weight;
                let resp = exp(0.35 * rng.normal());
                people.push(Person {
                    id: pid,
                    name: format!("{} {}", capitalize(first), capitalize(last)),
                    alias: None,
                    internal: false,
                    dept: 0,
                    account: a,
                    opted_out: false,
                    weight,
                    resp,
                });
            }
            // Account team: an owner from Sales, a customer success manager,
            // then optional roles.
            let team_start = teams.len();
            let mut owner = 0;
            if a != 0 && !(a % 7 == 3 && a < 7 * 30) {
                // Territories are spread evenly over the other salespeople; the
                // viewer owns a fixed set of accounts.
                for _ in 0..8 {
                    let sales = &dept_members[SALES];
                    owner = sales[rng.below(sales.len() as u64) as usize];
                    if owner != 0 {
                        break;
                    }
                }
            }
            let push_member = |teams: &mut Vec<(usize, f64)>, p: usize, role_w: f64| {
                if !teams[team_start..].iter().any(|&(q, _)| q == p) {
                    teams.push((p, role_w * exp(0.35 * ln(people[p].weight))));
                }
            };
            push_member(&mut teams, owner, 1.0);
            let cs = &dept_members[CUSTOMER_SUCCESS];
            let csm = cs[rng.below(cs.len() as u64) as usize];
            push_member(&mut teams, csm, 0.8);
            for &(dept, p, role_w) in TEAM_EXTRAS.iter() {
                if rng.chance(p) {
                    let m = dept_members[dept][dept_cdf[dept].sample(rng)];
                    push_member(&mut teams, m, role_w);
                }
            }
            accounts.push(Account {
                id,
                first_contact,
                contacts,
                contact_total,
                trend,
                resp,
                team_start,
                team_len: teams.len() - team_start,
            });
        }
        // The largest account is the viewer's steady flagship.
        if let Some(a0) = accounts.first_mut() {
            a0.trend = Trend::Steady;
        }

        // Aliases: the flagship's main contact, one colleague, then a few more.
        let total = people.len();
        let n_alias = (total / 200).max(3);
        let mut holders: Vec<usize> = Vec::new();
        if let Some(a0) = accounts.first() {
            holders.push(a0.first_contact);
        }
        if n_int > 1 {
            holders.push(1);
        }
        let mut tries = 0;
        while holders.len() < n_alias && tries < 100 * n_alias {
            tries += 1;
            let p = 1 + rng.below(total as u64 - 1) as usize;
            if !holders.contains(&p) {
                holders.push(p);
            }
        }
        for &h in &holders {
            let (local, domain) = match people[h].id.split_once('@') {
                Some((l, d)) => (l.to_string(), d.to_string()),
                None => continue,
            };
            let (first, last) = local.split_once('.').unwrap_or((local.as_str(), ""));
            let last: String = last.chars().filter(|c| c.is_ascii_alphabetic()).collect();
            let base = if people[h].internal {
                format!("{}{}", &first[..1.min(first.len())], last)
            } else {
                first.to_string()
            };
            people[h].alias = Some(unique_address(&mut used, &base, &domain));
        }

        // Opt-outs: about 1 %, at least one internal and one external person,
        // never the viewer nor anyone with an alias.
        let n_opt = (total / 100).max(2);
        let n_opt_int = ((n_opt * n_int + total / 2) / total.max(1)).clamp(1, n_opt - 1);
        let pick_opt = |rng: &mut Rng, people: &mut Vec<Person>, lo: usize, hi: usize| {
            for _ in 0..1000 {
                let p = lo + rng.below((hi - lo) as u64) as usize;
                if p != 0 && people[p].alias.is_none() && !people[p].opted_out {
                    people[p].opted_out = true;
                    return;
                }
            }
        };
        for _ in 0..n_opt_int {
            pick_opt(rng, &mut people, 1, n_int);
        }
        if total > n_int {
            for _ in 0..n_opt - n_opt_int {
                pick_opt(rng, &mut people, n_int, total);
            }
        }

        let acc_cdf = Cdf::new(acc_weights.into_iter());
        let int_cdf = Cdf::new(people[..n_int].iter().map(|p| p.weight));
        let ext_facing_cdf =
            Cdf::new(people[..n_int].iter().map(|p| p.weight.sqrt() * DEPT_EXTERNAL[p.dept]));
        let day_accept = (0..SPAN_DAYS)
            .map(|d| {
                let (_, m, dd) = civil_from_days(START_DAY + d);
                let season = if (m == 12 && dd >= 22) || (m == 1 && dd <= 2) {
                    0.35
                } else if m == 8 {
                    0.75
                } else {
                    1.0
                };
                // Slowly growing business.
                season * (0.85 + 0.15 * d as f64 / SPAN_DAYS as f64)
            })
            .collect();

        World {
            people,
            n_int,
            accounts,
            teams,
            acc_cdf,
            int_cdf,
            ext_facing_cdf,
            dept_members,
            dept_cdf,
            day_accept,
        }
    }

    fn people_json(&self) -> String {
        let mut out = String::with_capacity(self.people.len() * 120 + 4);
        out.push('[');
        for (i, p) in self.people.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str("{\"id\":");
            push_json_str(&mut out, &p.id);
            out.push_str(",\"name\":");
            push_json_str(&mut out, &p.name);
            if p.internal {
                out.push_str(",\"internal\":true,\"department\":");
                push_json_str(&mut out, DEPARTMENTS[p.dept]);
            } else {
                out.push_str(",\"internal\":false,\"accountId\":");
                push_json_str(&mut out, &self.accounts[p.account].id);
            }
            if p.opted_out {
                out.push_str(",\"optedOut\":true");
            }
            if let Some(a) = &p.alias {
                out.push_str(",\"aliases\":[");
                push_json_str(&mut out, a);
                out.push(']');
            }
            out.push('}');
        }
        out.push_str(if self.people.is_empty() { "]" } else { "\n]" });
        out
    }

    /// An internal person for an interaction with account `a`: mostly its team.
    fn pick_internal_for(&self, rng: &mut Rng, a: usize) -> usize {
        let acc = &self.accounts[a];
        if acc.team_len > 0 && rng.chance(0.85) {
            let team = &self.teams[acc.team_start..acc.team_start + acc.team_len];
            let total: f64 = team.iter().map(|&(_, w)| w).sum();
            let mut x = rng.f64() * total;
            for &(p, w) in team {
                if x < w {
                    return p;
                }
                x -= w;
            }
            return team[team.len() - 1].0;
        }
        self.ext_facing_cdf.sample(rng)
    }

    fn pick_contact(&self, rng: &mut Rng, a: usize) -> usize {
        let acc = &self.accounts[a];
        let mut x = rng.f64() * acc.contact_total;
        for p in acc.first_contact..acc.first_contact + acc.contacts {
            let w = self.people[p].weight;
            if x < w {
                return p;
            }
            x -= w;
        }
        acc.first_contact + acc.contacts - 1
    }

    /// A colleague, from the same department as `near` with probability `same`.
    fn pick_colleague(&self, rng: &mut Rng, near: usize, same: f64) -> usize {
        let d = self.people[near].dept;
        if rng.chance(same) && !self.dept_members[d].is_empty() {
            return self.dept_members[d][self.dept_cdf[d].sample(rng)];
        }
        self.int_cdf.sample(rng)
    }
}

/// `local@domain`, made unique among `used` by a numeric suffix.
fn unique_address(used: &mut HashSet<String>, local: &str, domain: &str) -> String {
    let mut id = format!("{local}@{domain}");
    let mut k = 2;
    while used.contains(&id) {
        id = format!("{local}{k}@{domain}");
        k += 1;
    }
    used.insert(id.clone());
    id
}

fn push_distinct(v: &mut Vec<usize>, p: usize) -> bool {
    if v.contains(&p) {
        false
    } else {
        v.push(p);
        true
    }
}

// ---------------------------------------------------------------------------
// Interaction generator

struct Gen<'a> {
    w: &'a World,
    rng: Rng,
    out: String,
    ndjson: bool,
    written: usize,
    /// Number of the next record (1-based).
    seq: u64,
    threads: u64,
    width: usize,
    side: [Vec<usize>; 2],
    to: Vec<usize>,
    cc: Vec<usize>,
}

impl<'a> Gen<'a> {
    fn run(w: &'a World, rng: Rng, n: usize, ndjson: bool) -> String {
        let mut digits = 1;
        let mut m = n;
        while m >= 10 {
            m /= 10;
            digits += 1;
        }
        let mut g = Gen {
            w,
            rng,
            out: String::with_capacity(n.saturating_mul(205).min(1 << 30).saturating_add(16)),
            ndjson,
            written: 0,
            seq: 1,
            threads: 0,
            width: digits.max(6),
            side: [Vec::with_capacity(8), Vec::with_capacity(8)],
            to: Vec::with_capacity(8),
            cc: Vec::with_capacity(8),
        };
        if !ndjson {
            g.out.push('[');
        }
        let n_email = ((n as u64 * 7 + 5) / 10) as usize;
        let n_meet = (((n as u64 * 2 + 5) / 10) as usize).min(n - n_email);
        let (mut rem_e, mut rem_m, mut rem_c) = (n_email, n_meet, n - n_email - n_meet);
        let mut first_email = true;
        let mut first_meeting = true;
        while rem_e + rem_m + rem_c > 0 {
            let kind = if first_email && rem_e > 0 {
                0
            } else {
                g.rng.pick(&[rem_e as f64 / MEAN_THREAD_LEN, rem_m as f64, rem_c as f64])
            };
            match kind {
                0 if rem_e > 0 => {
                    let len = (1 + g.rng.pick(&THREAD_LEN)).min(rem_e);
                    g.email_thread(len, first_email);
                    first_email = false;
                    rem_e -= len;
                }
                1 if rem_m > 0 => {
                    g.meeting(first_meeting);
                    first_meeting = false;
                    rem_m -= 1;
                }
                _ if rem_c > 0 => {
                    g.call();
                    rem_c -= 1;
                }
                _ => {}
            }
        }
        if !ndjson {
            g.out.push_str(if g.written == 0 { "]" } else { "\n]" });
        }
        g.out
    }

    // --- time sampling ---

    fn sample_day(&mut self, trend: Trend) -> i64 {
        let mut d = 0;
        for _ in 0..8 {
            let u = self.rng.f64();
            let u = match trend {
                Trend::Steady => u,
                Trend::Growing => u.max(self.rng.f64()),
                Trend::Declining => u.min(self.rng.f64()),
                Trend::Churned => u * 0.72,
                Trend::New => 0.55 + 0.45 * u,
            };
            d = ((u * SPAN_DAYS as f64) as i64).clamp(0, SPAN_DAYS - 1);
            if self.rng.f64() < self.w.day_accept[d as usize] {
                break;
            }
        }
        START_DAY + d
    }

    /// A time in the year, in working hours with probability `work`.
    fn sample_time(&mut self, trend: Trend, work: f64) -> i64 {
        let mut day = self.sample_day(trend);
        let sec = if self.rng.chance(work) {
            day = to_weekday(day);
            WORK_START + self.rng.below((WORK_END - WORK_START) as u64) as i64
        } else if weekday(day) >= 5 {
            self.rng.below(DAY as u64) as i64
        } else {
            let r = self.rng.below((14 * HOUR) as u64) as i64;
            if r < 6 * HOUR {
                WORK_END + r
            } else {
                r - 6 * HOUR
            }
        };
        let t = day * DAY + sec;
        if t > END {
            t - WEEK
        } else {
            t
        }
    }

    /// A meeting start on a half-hour slot.
    fn meeting_slot(&mut self, day: i64) -> i64 {
        let day = to_weekday(day);
        if self.rng.chance(0.05) {
            // early or late calls with other time zones
            let h = [6, 7, 18, 19][self.rng.below(4) as usize];
            return day * DAY + h * HOUR;
        }
        let h = 8 + self.rng.pick(&MEETING_HOUR_W) as i64;
        let m = match self.rng.below(10) {
            0 => 15,
            1 => 45,
            2..=5 => 30,
            _ => 0,
        };
        day * DAY + h * HOUR + m * 60
    }

    // --- writing ---

    fn begin(&mut self, prefix: &str, kind: &str) {
        if !self.ndjson {
            self.out.push_str(if self.written == 0 { "\n" } else { ",\n" });
        }
        self.out.push_str("{\"id\":\"");
        self.out.push_str(prefix);
        push_padded(&mut self.out, self.seq, self.width);
        self.out.push_str("\",\"kind\":\"");
        self.out.push_str(kind);
        self.out.push_str("\",\"from\":");
    }

    fn end(&mut self) {
        self.out.push('}');
        if self.ndjson {
            self.out.push('\n');
        }
        self.written += 1;
        self.seq += 1;
    }

    fn addr(&mut self, p: usize, force_alias: bool) {
        let w = self.w;
        let person = &w.people[p];
        let s: &str = match &person.alias {
            Some(a) if force_alias || self.rng.chance(ALIAS_USE) => a,
            _ => &person.id,
        };
        let variant = if self.rng.chance(MIXED_CASE) { 1 + self.rng.below(3) as u8 } else { 0 };
        self.out.push('"');
        push_cased(&mut self.out, s, variant);
        self.out.push('"');
    }

    /// Writes `,"to":[...]` and, when not empty, `,"cc":[...]`.
    fn recipients(&mut self, alias_first: bool) {
        self.out.push_str(",\"to\":[");
        for i in 0..self.to.len() {
            if i > 0 {
                self.out.push(',');
            }
            let p = self.to[i];
            self.addr(p, alias_first && i == 0);
        }
        self.out.push(']');
        if !self.cc.is_empty() {
            self.out.push_str(",\"cc\":[");
            for i in 0..self.cc.len() {
                if i > 0 {
                    self.out.push(',');
                }
                let p = self.cc[i];
                self.addr(p, false);
            }
            self.out.push(']');
        }
    }

    fn push_at(&mut self, t: i64) {
        self.out.push_str(",\"at\":\"");
        push_time(&mut self.out, t);
        self.out.push('"');
    }

    // --- records ---

    /// A conversation of `len` e-mails alternating between two sides.
    fn email_thread(&mut self, len: usize, first: bool) {
        let w = self.w;
        let len = len.clamp(1, 6);
        self.side[0].clear();
        self.side[1].clear();
        let mut trend = Trend::Steady;
        let mut acc_resp = 1.0;
        if first || self.rng.chance(0.75) {
            // With a customer account.
            let a = if first { 0 } else { w.acc_cdf.sample(&mut self.rng) };
            trend = w.accounts[a].trend;
            acc_resp = w.accounts[a].resp;
            let ip = if first { 0 } else { w.pick_internal_for(&mut self.rng, a) };
            let ep = if first { w.accounts[a].first_contact } else { w.pick_contact(&mut self.rng, a) };
            self.side[0].push(ip);
            self.side[1].push(ep);
            if self.rng.chance(0.3) {
                let q = w.pick_internal_for(&mut self.rng, a);
                push_distinct(&mut self.side[0], q);
            }
            let extra = self.rng.pick(&[0.55, 0.3, 0.15]);
            for _ in 0..extra * 2 {
                if self.side[1].len() > extra {
                    break;
                }
                let q = w.pick_contact(&mut self.rng, a);
                push_distinct(&mut self.side[1], q);
            }
            if !first && self.rng.chance(0.4) {
                self.side.swap(0, 1); // the customer writes first
            }
        } else {
            // Internal only.
            let a = w.int_cdf.sample(&mut self.rng);
            self.side[0].push(a);
            if self.rng.chance(0.2) {
                let q = w.pick_colleague(&mut self.rng, a, 0.6);
                push_distinct(&mut self.side[0], q);
            }
            let want = 1 + self.rng.pick(&[0.6, 0.28, 0.12]);
            for _ in 0..want * 3 {
                if self.side[1].len() >= want {
                    break;
                }
                let q = w.pick_colleague(&mut self.rng, a, 0.6);
                if !self.side[0].contains(&q) {
                    push_distinct(&mut self.side[1], q);
                }
            }
            if self.side[1].is_empty() {
                let start = self.rng.below(w.n_int as u64) as usize;
                for k in 0..w.n_int {
                    let q = (start + k) % w.n_int;
                    if !self.side[0].contains(&q) {
                        self.side[1].push(q);
                        break;
                    }
                }
            }
        }

        // Senders and times.
        let mut froms = [0usize; 6];
        let mut times = [0i64; 6];
        for (k, f) in froms.iter_mut().enumerate().take(len) {
            let s = &self.side[k % 2];
            *f = if k < 2 || s.len() == 1 || self.rng.chance(0.85) {
                s[0]
            } else {
                s[1 + self.rng.below(s.len() as u64 - 1) as usize]
            };
        }
        if first {
            // The dataset's latest e-mail, at END; earlier messages backwards.
            times[len - 1] = END;
            for k in (1..len).rev() {
                let delay = self.reply_delay(froms[k], acc_resp);
                let mut t = times[k] - delay;
                if !in_working_hours(t) {
                    t = prev_working_end(t) - 1 - self.rng.below(90 * 60) as i64;
                }
                times[k - 1] = t;
            }
        } else {
            times[0] = self.sample_time(trend, 0.87);
            for k in 1..len {
                let mut t = times[k - 1] + self.reply_delay(froms[k], acc_resp);
                if !in_working_hours(t) && self.rng.chance(0.8) {
                    t = next_working_start(t) + self.rng.below(90 * 60) as i64;
                }
                times[k] = t;
            }
        }
        let last = times[len - 1];
        let shift = if last > END { -((last - END + WEEK - 1) / WEEK) * WEEK } else { 0 };

        self.threads += 1;
        let thread = self.threads;
        for k in 0..len {
            let s = k % 2;
            let r = 1 - s;
            let from = froms[k];
            self.to.clear();
            self.cc.clear();
            self.to.push(if k == 0 { self.side[r][0] } else { froms[k - 1] });
            // Whoever answers next must have received this message.
            if k + 1 < len && !self.to.contains(&froms[k + 1]) {
                self.to.push(froms[k + 1]);
            }
            let p_to = if k == 0 { 0.6 } else { 0.35 };
            for i in 0..self.side[r].len() {
                let q = self.side[r][i];
                if self.to.len() < 4 && !self.to.contains(&q) && self.rng.chance(p_to) {
                    self.to.push(q);
                }
            }
            let p_cc = if k == 0 { 0.4 } else { 0.2 };
            for i in 0..self.side[s].len() {
                let q = self.side[s][i];
                if q != from && self.rng.chance(p_cc) {
                    self.cc.push(q);
                }
            }
            self.begin("e", "email");
            self.addr(from, false);
            self.recipients(first && k == 0);
            self.push_at(times[k] + shift);
            self.out.push_str(",\"threadId\":\"t");
            push_padded(&mut self.out, thread, self.width);
            self.out.push('"');
            if k > 0 {
                self.out.push_str(",\"inReplyTo\":\"e");
                push_padded(&mut self.out, self.seq - 1, self.width);
                self.out.push('"');
            }
            self.end();
        }
    }

    /// Seconds until `p` answers: log-normal, median about 1.5 h for colleagues
    /// and about 3 h for customers (times personal and account factors).
    fn reply_delay(&mut self, p: usize, acc_resp: f64) -> i64 {
        let p = &self.w.people[p];
        let median = if p.internal { 100.0 } else { 170.0 * acc_resp } * p.resp;
        let minutes = (median * exp(1.15 * self.rng.normal())).clamp(2.0, 14.0 * 1440.0);
        (minutes * 60.0) as i64
    }

    fn meeting(&mut self, force_future: bool) {
        let w = self.w;
        self.to.clear();
        self.cc.clear();
        let mut trend = Trend::Steady;
        let organizer;
        if force_future || self.rng.chance(0.7) {
            let a = if force_future { 0 } else { w.acc_cdf.sample(&mut self.rng) };
            trend = w.accounts[a].trend;
            let n_ext = 1 + self.rng.pick(&[0.35, 0.35, 0.2, 0.1]);
            let n_int = 1 + self.rng.pick(&[0.45, 0.35, 0.2]);
            let ext_org = !force_future && self.rng.chance(0.15);
            organizer = if force_future {
                0
            } else if ext_org {
                w.pick_contact(&mut self.rng, a)
            } else {
                w.pick_internal_for(&mut self.rng, a)
            };
            let (want_ext, want_int) = if ext_org { (n_ext - 1, n_int) } else { (n_ext, n_int - 1) };
            let mut got = 0;
            for _ in 0..want_ext * 3 {
                if got >= want_ext {
                    break;
                }
                let q = w.pick_contact(&mut self.rng, a);
                if q != organizer && push_distinct(&mut self.to, q) {
                    got += 1;
                }
            }
            got = 0;
            for _ in 0..want_int * 3 {
                if got >= want_int {
                    break;
                }
                let q = w.pick_internal_for(&mut self.rng, a);
                if q != organizer && push_distinct(&mut self.to, q) {
                    got += 1;
                }
            }
        } else {
            organizer = w.int_cdf.sample(&mut self.rng);
            let size = 2 + self.rng.pick(&[0.25, 0.25, 0.2, 0.12, 0.08, 0.05, 0.05]);
            for _ in 0..size * 3 {
                if self.to.len() + 1 >= size {
                    break;
                }
                let q = w.pick_colleague(&mut self.rng, organizer, 0.55);
                if q != organizer {
                    push_distinct(&mut self.to, q);
                }
            }
        }
        if self.to.is_empty() {
            let q = if w.people[organizer].internal { self.other_internal(organizer) } else { 0 };
            self.to.push(q);
        }
        self.to.truncate(7);
        let future = force_future || self.rng.chance(0.02);
        let cancelled = !force_future && self.rng.chance(0.03);
        let t = if future {
            let day = END_DAY + 1 + self.rng.below(29) as i64;
            let day = match weekday(day) {
                5 | 6 => day + 7 - weekday(day),
                _ => day,
            };
            let t = self.meeting_slot(day);
            if t > END + 30 * DAY {
                t - WEEK
            } else {
                t
            }
        } else {
            let day = self.sample_day(trend);
            let t = self.meeting_slot(day);
            if t > END {
                t - WEEK
            } else {
                t
            }
        };
        let minutes = MEETING_MINUTES[self.rng.pick(&MEETING_MINUTES_W)];
        self.begin("m", "meeting");
        self.addr(organizer, false);
        self.recipients(false);
        self.push_at(t);
        self.out.push_str(",\"durationMinutes\":");
        push_padded(&mut self.out, minutes as u64, 1);
        if cancelled {
            self.out.push_str(",\"cancelled\":true");
        }
        self.end();
    }

    fn call(&mut self) {
        let w = self.w;
        self.to.clear();
        self.cc.clear();
        let mut trend = Trend::Steady;
        let (from, to) = if self.rng.chance(0.85) {
            let a = w.acc_cdf.sample(&mut self.rng);
            trend = w.accounts[a].trend;
            let i = w.pick_internal_for(&mut self.rng, a);
            let c = w.pick_contact(&mut self.rng, a);
            if self.rng.chance(0.7) {
                (i, c)
            } else {
                (c, i)
            }
        } else {
            let i = w.int_cdf.sample(&mut self.rng);
            (i, self.other_internal(i))
        };
        self.to.push(to);
        let t = self.sample_time(trend, 0.92);
        let minutes = (7.0 * exp(0.9 * self.rng.normal())).round().clamp(2.0, 60.0) as u64;
        self.begin("c", "call");
        self.addr(from, false);
        self.recipients(false);
        self.push_at(t);
        self.out.push_str(",\"durationMinutes\":");
        push_padded(&mut self.out, minutes, 1);
        self.end();
    }

    /// Another internal person than `p`.
    fn other_internal(&mut self, p: usize) -> usize {
        let w = self.w;
        for _ in 0..6 {
            let q = w.pick_colleague(&mut self.rng, p, 0.5);
            if q != p {
                return q;
            }
        }
        (p + 1) % w.n_int.max(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::{BTreeMap, HashMap};

    fn gen(seed: u64, n: usize, format: DemoFormat) -> DemoDataset {
        demo_dataset(&DemoOptions { seed, interactions: n, format })
    }

    fn records(d: &DemoDataset) -> Vec<Value> {
        if d.interactions.trim_start().starts_with('[') {
            match serde_json::from_str::<Value>(&d.interactions) {
                Ok(Value::Array(v)) => v,
                other => panic!("interactions are not a JSON array: {other:?}"),
            }
        } else {
            d.interactions
                .lines()
                .map(|l| match serde_json::from_str::<Value>(l) {
                    Ok(v) => v,
                    Err(e) => panic!("bad NDJSON line {l}: {e}"),
                })
                .collect()
        }
    }

    fn people(d: &DemoDataset) -> Vec<Value> {
        match serde_json::from_str::<Value>(&d.people) {
            Ok(Value::Array(v)) => v,
            other => panic!("people are not a JSON array: {other:?}"),
        }
    }

    fn s<'a>(v: &'a Value, k: &str) -> &'a str {
        v.get(k).and_then(Value::as_str).unwrap_or("")
    }

    fn addrs(v: &Value, k: &str) -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default()
    }

    /// Lower-case address (or alias) -> canonical directory id.
    fn directory(p: &[Value]) -> HashMap<String, String> {
        let mut m = HashMap::new();
        for x in p {
            let id = s(x, "id").to_string();
            m.insert(id.clone(), id.clone());
            for a in addrs(x, "aliases") {
                assert!(m.insert(a.to_lowercase(), id.clone()).is_none(), "alias clash {a}");
            }
        }
        m
    }

    fn time_text(t: i64) -> String {
        let mut o = String::new();
        push_time(&mut o, t);
        o
    }

    fn is_rfc3339_utc(t: &str) -> bool {
        let b = t.as_bytes();
        b.len() == 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z'
            && b.iter().enumerate().all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
    }

    #[test]
    fn calendar_and_math() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(END, 1_793_379_600);
        assert_eq!(weekday(END_DAY), 4, "2026-10-30 is a Friday");
        for z in [-800_000i64, -1, 0, 59, 10_957, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m as i64, d as i64), z);
        }
        assert_eq!(time_text(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(time_text(END), "2026-10-30T17:00:00Z");
        assert_eq!(time_text(END + 59 * 60 + 7), "2026-10-30T17:59:07Z");
        for &x in &[1e-300, 1e-9, 0.001, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1e6, 1e300] {
            let r = (ln(x) - x.ln()).abs() / x.ln().abs().max(1.0);
            assert!(r < 1e-13, "ln({x})");
        }
        for &x in &[-700.0, -20.0, -1.0, -1e-9, 0.0, 0.3, 1.0, 5.5, 40.0, 700.0] {
            let r = (exp(x) - x.exp()).abs() / x.exp();
            assert!(r < 1e-13, "exp({x})");
        }
        let mut o = String::new();
        push_cased(&mut o, "ada.lovelace@northwind.example", 1);
        assert_eq!(o, "Ada.Lovelace@Northwind.example");
        o.clear();
        push_cased(&mut o, "ada.lovelace@northwind.example", 2);
        assert_eq!(o, "ADA.LOVELACE@NORTHWIND.EXAMPLE");
        o.clear();
        push_cased(&mut o, "ada.lovelace@contoso-7.example", 3);
        assert_eq!(o, "Ada.Lovelace@contoso-7.example");
    }

    #[test]
    fn deterministic() {
        for format in [DemoFormat::Json, DemoFormat::Ndjson] {
            let a = gen(7, 3_000, format);
            let b = gen(7, 3_000, format);
            assert_eq!(a.people, b.people);
            assert_eq!(a.interactions, b.interactions);
            assert_eq!((a.viewer, a.now, a.internal_domains), (b.viewer, b.now, b.internal_domains));
            let c = gen(8, 3_000, format);
            assert_ne!(a.interactions, c.interactions);
            assert_ne!(a.people, c.people);
        }
        let d = DemoOptions::default();
        assert_eq!((d.seed, d.interactions, d.format), (42, 10_000, DemoFormat::Json));
    }

    #[test]
    fn exact_counts() {
        for n in [0usize, 1, 2, 3, 7, 100, 1_001, 50_000] {
            for format in [DemoFormat::Json, DemoFormat::Ndjson] {
                let d = gen(42, n, format);
                assert_eq!(records(&d).len(), n, "n = {n} {format:?}");
                if format == DemoFormat::Ndjson {
                    assert_eq!(d.interactions.lines().count(), n);
                    assert!(d.interactions.lines().all(|l| l.starts_with('{')));
                }
                assert!(people(&d).len() >= 8);
            }
        }
    }

    #[test]
    fn json_and_ndjson_carry_the_same_records() {
        for n in [1usize, 100, 5_000] {
            let a = gen(3, n, DemoFormat::Json);
            let b = gen(3, n, DemoFormat::Ndjson);
            assert_eq!(a.people, b.people);
            assert_eq!(records(&a), records(&b));
        }
    }

    /// Checks every record of a dataset; returns it for further checks.
    fn check_records(d: &DemoDataset) -> Vec<Value> {
        let recs = records(d);
        let dir = directory(&people(d));
        let canon = |a: &str| -> String {
            match dir.get(&a.to_lowercase()) {
                Some(id) => id.clone(),
                None => panic!("address {a} is not in the directory"),
            }
        };
        let mut by_id: HashMap<String, &Value> = HashMap::new();
        for r in &recs {
            let id = s(r, "id");
            assert!(!id.is_empty());
            assert!(by_id.insert(id.to_string(), r).is_none(), "duplicate id {id}");
        }
        let start = time_text(END - SPAN_DAYS * DAY);
        let latest_future = time_text(END + 30 * DAY);
        let mut max_email = String::new();
        for r in &recs {
            let kind = s(r, "kind");
            let id = s(r, "id");
            let at = s(r, "at");
            assert!(is_rfc3339_utc(at), "{id}: at {at}");
            let from = s(r, "from");
            assert!(!from.is_empty(), "{id}: from");
            let from_c = canon(from);
            let to = addrs(r, "to");
            assert!(!to.is_empty(), "{id}: empty to");
            let cc = addrs(r, "cc");
            let mut seen = vec![from_c.clone()];
            for a in to.iter().chain(cc.iter()) {
                let c = canon(a);
                assert!(!seen.contains(&c), "{id}: {a} repeated or equal to from");
                seen.push(c);
            }
            assert!(to.len() <= 7);
            match kind {
                "email" => {
                    assert!(to.len() <= 4, "{id}: {} recipients", to.len());
                    assert!(id.starts_with('e'));
                    assert!(!s(r, "threadId").is_empty(), "{id}: threadId");
                    assert!(r.get("durationMinutes").is_none());
                    assert!(at >= start.as_str() && at <= time_text(END).as_str(), "{id}: {at}");
                    if at > max_email.as_str() {
                        max_email = at.to_string();
                    }
                    if let Some(parent) = r.get("inReplyTo") {
                        let pid = parent.as_str().unwrap_or("");
                        let p = match by_id.get(pid) {
                            Some(p) => *p,
                            None => panic!("{id}: inReplyTo {pid} does not exist"),
                        };
                        assert_eq!(s(p, "kind"), "email");
                        assert_eq!(s(p, "threadId"), s(r, "threadId"), "{id}: thread");
                        assert!(s(p, "at") <= at, "{id}: reply before its parent");
                        // The reply comes from one of the parent's recipients.
                        let p_to: Vec<String> = addrs(p, "to").iter().map(|a| canon(a)).collect();
                        assert!(p_to.contains(&from_c), "{id}: reply from a non-recipient");
                    }
                }
                "meeting" => {
                    assert!(id.starts_with('m'));
                    let m = r.get("durationMinutes").and_then(Value::as_u64);
                    assert!(matches!(m, Some(15 | 30 | 45 | 60 | 90)), "{id}: {m:?}");
                    assert!(to.len() + 1 >= 2 && to.len() < 8);
                    assert!(at >= start.as_str() && at <= latest_future.as_str(), "{id}: {at}");
                }
                "call" => {
                    assert!(id.starts_with('c'));
                    assert_eq!(to.len(), 1);
                    let m = r.get("durationMinutes").and_then(Value::as_u64);
                    assert!(matches!(m, Some(2..=60)), "{id}: {m:?}");
                    assert!(at >= start.as_str() && at <= time_text(END).as_str(), "{id}: {at}");
                }
                other => panic!("{id}: kind {other}"),
            }
        }
        if !max_email.is_empty() {
            assert_eq!(max_email, d.now, "now is the latest e-mail");
        }
        recs
    }

    #[test]
    fn records_are_well_formed_at_several_sizes() {
        for (seed, n) in [(1u64, 1usize), (2, 2), (5, 100), (42, 10_000), (9, 50_000)] {
            let d = gen(seed, n, DemoFormat::Json);
            check_records(&d);
            assert_eq!(d.now, "2026-10-30T17:00:00Z");
        }
    }

    #[test]
    fn shape_at_ten_thousand() {
        let d = gen(42, 10_000, DemoFormat::Ndjson);
        let recs = check_records(&d);
        let ppl = people(&d);
        assert_eq!(d.internal_domains, vec!["northwind.example".to_string()]);
        let suffix = format!("@{}", d.internal_domains[0]);

        // Directory.
        let mut ids = std::collections::HashSet::new();
        let mut depts = BTreeMap::new();
        let mut accounts = std::collections::BTreeSet::new();
        let (mut internal, mut opted_int, mut opted_ext, mut aliases) = (0, 0, 0, Vec::new());
        for p in &ppl {
            let id = s(p, "id");
            assert_eq!(id, id.to_lowercase());
            assert!(ids.insert(id.to_string()));
            assert!(!s(p, "name").is_empty());
            let is_int = p.get("internal").and_then(Value::as_bool);
            assert_eq!(is_int, Some(id.ends_with(&suffix)));
            if is_int == Some(true) {
                internal += 1;
                *depts.entry(s(p, "department").to_string()).or_insert(0) += 1;
            } else {
                let acc = s(p, "accountId");
                assert!(id.ends_with(&format!("@{acc}.example")));
                accounts.insert(acc.to_string());
            }
            if p.get("optedOut").and_then(Value::as_bool) == Some(true) {
                assert_ne!(id, d.viewer);
                if is_int == Some(true) {
                    opted_int += 1;
                } else {
                    opted_ext += 1;
                }
            }
            aliases.extend(addrs(p, "aliases"));
        }
        assert!((30..=60).contains(&internal), "{internal} internal people");
        assert_eq!(depts.len(), 8, "{depts:?}");
        assert!((40..=80).contains(&accounts.len()), "{} accounts", accounts.len());
        assert!(opted_int >= 1 && opted_ext >= 1, "{opted_int} + {opted_ext} opted out");
        assert!(aliases.len() >= 3);

        // The viewer: internal, in Sales, the most active internal person.
        let viewer = ppl.iter().find(|p| s(p, "id") == d.viewer);
        assert!(matches!(viewer, Some(v) if s(v, "department") == "Sales"));
        let mut activity: HashMap<String, usize> = HashMap::new();
        let dir = directory(&ppl);
        let (mut mixed, mut occurrences, mut alias_used) = (0, 0, false);
        let (mut future, mut cancelled, mut after_hours, mut emails) = (0, 0, 0, 0);
        let mut kinds = BTreeMap::new();
        for r in &recs {
            *kinds.entry(s(r, "kind").to_string()).or_insert(0) += 1;
            let mut all = vec![s(r, "from").to_string()];
            all.extend(addrs(r, "to"));
            all.extend(addrs(r, "cc"));
            for a in &all {
                occurrences += 1;
                if *a != a.to_lowercase() {
                    mixed += 1;
                }
                if aliases.contains(&a.to_lowercase()) {
                    alias_used = true;
                }
                let c = dir.get(&a.to_lowercase()).cloned().unwrap_or_default();
                *activity.entry(c).or_insert(0) += 1;
            }
            let at = s(r, "at");
            if s(r, "kind") == "meeting" {
                if at > d.now.as_str() {
                    future += 1;
                }
                if r.get("cancelled").and_then(Value::as_bool) == Some(true) {
                    cancelled += 1;
                }
            }
            if s(r, "kind") == "email" {
                emails += 1;
                let hour: u32 = at[11..13].parse().unwrap_or(0);
                let day: i64 = at[8..10].parse().unwrap_or(1);
                let month: i64 = at[5..7].parse().unwrap_or(1);
                let year: i64 = at[0..4].parse().unwrap_or(1970);
                let wd = weekday(days_from_civil(year, month, day));
                if wd >= 5 || !(8..18).contains(&hour) {
                    after_hours += 1;
                }
            }
        }
        assert_eq!(kinds.get("email"), Some(&7_000));
        assert_eq!(kinds.get("meeting"), Some(&2_000));
        assert_eq!(kinds.get("call"), Some(&1_000));
        assert!((1..=100).contains(&future), "{future} future meetings");
        assert!((1..=150).contains(&cancelled), "{cancelled} cancelled meetings");
        assert!(alias_used, "no alias used in interactions");
        let share = mixed as f64 / occurrences as f64;
        assert!((0.03..0.08).contains(&share), "mixed-case share {share}");
        let ah = after_hours as f64 / emails as f64;
        assert!((0.04..0.2).contains(&ah), "after-hours share {ah}");
        let top = activity
            .iter()
            .filter(|(k, _)| k.ends_with(&suffix))
            .max_by_key(|(_, &v)| v)
            .map(|(k, _)| k.clone());
        assert_eq!(top.as_deref(), Some(d.viewer.as_str()));
    }

    #[test]
    fn small_datasets_still_have_the_features() {
        let d = gen(11, 100, DemoFormat::Json);
        let ppl = people(&d);
        assert!(ppl.len() < 150, "{} people for 100 interactions", ppl.len());
        let opted = ppl.iter().filter(|p| p.get("optedOut").and_then(Value::as_bool) == Some(true)).count();
        assert!(opted >= 2);
        let recs = records(&d);
        assert!(recs.iter().any(|r| s(r, "kind") == "meeting" && s(r, "at") > d.now.as_str()));
        // The first thread's first e-mail uses an alias.
        let aliases: Vec<String> = ppl.iter().flat_map(|p| addrs(p, "aliases")).collect();
        assert!(recs.iter().any(|r| addrs(r, "to").iter().any(|a| aliases.contains(&a.to_lowercase()))));
    }
}
