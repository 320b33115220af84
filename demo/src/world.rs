//! The simulated organization (`World`): its people, customer accounts and
//! account teams, built once from the seed, written as the people directory,
//! and sampled for the participants of each interaction.

use std::collections::HashSet;

use super::calendar::{SPAN_DAYS, START_DAY};
use super::random::{exp, ln, Cdf, Rng};
use rapport::time::civil::civil_from_days;

pub(super) const INTERNAL_DOMAIN: &str = "northwind.example";
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

/// The name a salesperson knows a company by, for each of `COMPANIES`
/// (Microsoft's fictitious companies, then made-up ones, capitalised).
fn company_name(base: &str) -> String {
    let known = match base {
        "adatum" => "A. Datum",
        "tailspin" => "Tailspin Toys",
        "wingtip" => "Wingtip Toys",
        "woodgrove" => "Woodgrove Bank",
        "lucerne" => "Lucerne Publishing",
        "alpine" => "Alpine Ski House",
        "fourthcoffee" => "Fourth Coffee",
        "blueyonder" => "Blue Yonder Airlines",
        "coho" => "Coho Winery",
        "wideworld" => "Wide World Importers",
        "humongous" => "Humongous Insurance",
        "trey" => "Trey Research",
        "margies" => "Margie's Travel",
        "southridge" => "Southridge Video",
        "vanarsdel" => "VanArsdel",
        "lamna" => "Lamna Healthcare",
        "consolidated" => "Consolidated Messenger",
        _ => return capitalize(base),
    };
    known.to_string()
}

/// Where the later accounts of one company are: its first account is the
/// company's name alone, the next ones its divisions ("Woodgrove Bank
/// Nordics"), so that no two accounts share a name.
const REGIONS: [&str; 10] = [
    "Europe",
    "Americas",
    "Asia Pacific",
    "Nordics",
    "Iberia",
    "Benelux",
    "Canada",
    "Japan",
    "Australia",
    "Gulf",
];

/// The display name of a company's `repeat`-th account (0 for its first).
fn account_name(base: &str, repeat: usize) -> String {
    let name = company_name(base);
    match repeat {
        0 => name,
        r if r <= REGIONS.len() => format!("{name} {}", REGIONS[r - 1]),
        r => format!("{name} {} {}", REGIONS[(r - 1) % REGIONS.len()], (r - 1) / REGIONS.len() + 1),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Trend {
    Steady,
    Growing,
    Declining,
    Churned,
    New,
}

pub(super) struct Person {
    pub(super) id: String,
    name: String,
    pub(super) alias: Option<String>,
    pub(super) internal: bool,
    dept: usize,
    account: usize,
    opted_out: bool,
    /// Activity weight (heavy-tailed).
    weight: f64,
    /// Personal factor on reply delays.
    pub(super) resp: f64,
}

pub(super) struct Account {
    id: String,
    /// The directory's `accountName`: no random draw, so that adding it
    /// left every other byte of the data as it was.
    name: String,
    pub(super) first_contact: usize,
    contacts: usize,
    contact_total: f64,
    pub(super) trend: Trend,
    pub(super) resp: f64,
    team_start: usize,
    team_len: usize,
}

pub(super) struct World {
    pub(super) people: Vec<Person>,
    pub(super) n_int: usize,
    pub(super) accounts: Vec<Account>,
    /// Account teams, flat: (internal person, selection weight).
    teams: Vec<(usize, f64)>,
    pub(super) acc_cdf: Cdf,
    /// Internal people by activity (internal-only mail).
    pub(super) int_cdf: Cdf,
    /// Internal people by activity with customers.
    ext_facing_cdf: Cdf,
    dept_members: Vec<Vec<usize>>,
    dept_cdf: Vec<Cdf>,
    /// Per day of the year: chance to keep a drawn day (holidays, growth).
    pub(super) day_accept: Vec<f64>,
}

impl World {
    pub(super) fn build(rng: &mut Rng, n: usize) -> World {
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
        let mut repeats = vec![0usize; companies.len()];
        for a in 0..n_acc {
            let company = rng.below(companies.len() as u64) as usize;
            let base = companies[company];
            let id = format!("{base}-{}", a + 1);
            let name = account_name(base, repeats[company]);
            repeats[company] += 1;
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
                name,
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

    pub(super) fn people_json(&self) -> String {
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
                out.push_str(",\"accountName\":");
                push_json_str(&mut out, &self.accounts[p.account].name);
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
    pub(super) fn pick_internal_for(&self, rng: &mut Rng, a: usize) -> usize {
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

    pub(super) fn pick_contact(&self, rng: &mut Rng, a: usize) -> usize {
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
    pub(super) fn pick_colleague(&self, rng: &mut Rng, near: usize, same: f64) -> usize {
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
