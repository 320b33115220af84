// The DuckDB half of `npm run bench`: the figures of bench/plain-figures.mjs
// in SQL, run by native DuckDB through its Node API (@duckdb/node-api, a
// dev-dependency of bench/ alone: `scripts/setup.sh --bench` installs it),
// on the files bench/data.mjs wrote, in an in-memory database. Timed like
// bench/suite.mjs (median of the runs after one warm-up run, each result
// read back into JavaScript) and printed as JSON lines under the op names of
// the rapport rows they compare with. The load reads people and interactions
// from the files and builds the tables every query reads (records,
// participants, people with their kind, department and account); queries
// build nothing that outlives them. No introduction paths: a search over
// chains of ties is not a query DuckDB answers well (the table shows "-").
// Usage: node bench/duckdb.mjs DATA_DIR 100000 1000000
import { createRequire } from "node:module";
import { read } from "./data.mjs";
import { SAMPLE } from "./suite.mjs";

const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require("@duckdb/node-api");
} catch {
  console.error("duckdb half: @duckdb/node-api is not installed (bash scripts/setup.sh --bench installs it into bench/node_modules)");
  process.exit(1);
}

const DAY = 86_400_000;
const report = (record) => console.log(JSON.stringify(record));
const sql = (s) => s.replace(/\s+/g, " ").trim();
const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function medianMs(runs, f) {
  await f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The statements of a load: people and interactions from the files into the tables the queries read. */
function loadStatements(data) {
  const internal = data.internalDomains.map((d) => `(domain = ${quote(d.toLowerCase())} OR domain LIKE ${quote(`%.${d.toLowerCase()}`)})`).join(" OR ");
  const norm = (x) => `CASE WHEN contains(${x}, '@') THEN lower(trim(${x})) ELSE trim(${x}) END`;
  return [
    `CREATE OR REPLACE TABLE dir AS SELECT * FROM read_json(${quote(data.peoplePath)}, format = 'array', columns = {
      id: 'VARCHAR', name: 'VARCHAR', internal: 'BOOLEAN', department: 'VARCHAR', accountId: 'VARCHAR',
      optedOut: 'BOOLEAN', aliases: 'VARCHAR[]' })`,
    `CREATE OR REPLACE TABLE raw AS SELECT * FROM read_json(${quote(data.ndjsonPath)}, format = 'newline_delimited', columns = {
      id: 'VARCHAR', kind: 'VARCHAR', "from": 'VARCHAR', "to": 'VARCHAR[]', cc: 'VARCHAR[]', "at": 'VARCHAR',
      threadId: 'VARCHAR', inReplyTo: 'VARCHAR', durationMinutes: 'DOUBLE', cancelled: 'BOOLEAN' })`,
    `CREATE OR REPLACE TABLE alias AS
      SELECT ${norm("a")} AS alias, ${norm("id")} AS id FROM (SELECT id, unnest(aliases) AS a FROM dir)
      UNION ALL SELECT ${norm("id")}, ${norm("id")} FROM dir`,
    `CREATE OR REPLACE TABLE rec AS
      SELECT r.id, CASE r.kind WHEN 'email' THEN 0 WHEN 'meeting' THEN 1 ELSE 2 END AS kind,
        coalesce(a.id, ${norm('r."from"')}) AS sender, epoch_ms(CAST(r."at" AS TIMESTAMPTZ)) AS ts,
        coalesce(r.durationMinutes, 0) AS minutes, r.inReplyTo
      FROM raw r LEFT JOIN alias a ON a.alias = ${norm('r."from"')}
      WHERE NOT coalesce(r.cancelled, false)`,
    `CREATE OR REPLACE TABLE part AS
      SELECT DISTINCT p.rid, coalesce(a.id, p.raw) AS person FROM (
        SELECT id AS rid, ${norm("unnest(list_concat(coalesce(\"to\", []), coalesce(cc, [])))")} AS raw
        FROM raw WHERE NOT coalesce(cancelled, false)) p
      LEFT JOIN alias a ON a.alias = p.raw`,
    `CREATE OR REPLACE TABLE person AS
      WITH ids AS (SELECT id FROM alias UNION SELECT sender FROM rec UNION SELECT person FROM part UNION SELECT ${quote(data.viewer.toLowerCase())}),
      d AS (SELECT ${norm("id")} AS id, any_value(internal) AS internal, any_value(department) AS department,
        any_value(accountId) AS accountId, bool_or(coalesce(optedOut, false)) AS opted FROM dir GROUP BY 1)
      SELECT ids.id, coalesce(d.internal, ${internal}) OR ids.id = ${quote(data.viewer.toLowerCase())} AS internal,
        d.department, coalesce(d.accountId, CASE WHEN NOT coalesce(d.internal, ${internal}) THEN domain END) AS account,
        coalesce(d.opted, false) AS opted
      FROM (SELECT id, split_part(id, '@', -1) AS domain FROM ids) ids LEFT JOIN d USING (id)`,
    `DELETE FROM part WHERE person IN (SELECT id FROM person WHERE opted)
      OR person = (SELECT sender FROM rec WHERE rec.id = part.rid)`,
    `DELETE FROM rec WHERE sender IN (SELECT id FROM person WHERE opted) OR id NOT IN (SELECT rid FROM part)`,
    `DELETE FROM part WHERE rid NOT IN (SELECT id FROM rec)`,
  ].map(sql);
}

/** Summaries of every contact and every account (the figures of plain-figures.mjs's `summaries`). */
function summaryStatements(now) {
  const from = now - 90 * DAY;
  const figures = `
    count(*) FILTER (kind = 0 AND us_sent AND inw) AS emailsSent,
    count(*) FILTER (kind = 0 AND NOT us_sent AND inw) AS emailsReceived,
    count(*) FILTER (kind = 1 AND inw) AS meetings, count(*) FILTER (kind = 2 AND inw) AS calls,
    coalesce(sum(minutes) FILTER (kind = 1 AND inw), 0) AS meetingMinutes,
    coalesce(sum(minutes) FILTER (kind = 2 AND inw), 0) AS callMinutes,
    round(count(first_reply) FILTER (kind = 0 AND NOT us_sent AND inw)
      / nullif(count(*) FILTER (kind = 0 AND NOT us_sent AND inw), 0), 4) AS responseRate,
    median((first_reply - ts) / 60000.0) FILTER (kind = 0 AND NOT us_sent AND inw AND first_reply IS NOT NULL) AS medianResponseMinutes,
    max(ts) FILTER (ts <= ${now}) AS lastInteractionAt, min(ts) FILTER (ts > ${now}) AS nextInteractionAt`;
  return [
    `CREATE OR REPLACE TEMP TABLE hits AS
      WITH r AS (SELECT rec.*, s.internal AS us_sent, rec.ts > ${from} AND rec.ts <= ${now} AS inw FROM rec JOIN person s ON s.id = rec.sender),
      us AS (SELECT rid FROM part JOIN person p ON p.id = part.person WHERE p.internal GROUP BY rid),
      replies AS (SELECT r.inReplyTo AS parent, min(r.ts) AS first_reply FROM rec r JOIN person s ON s.id = r.sender
        WHERE s.internal AND r.kind = 0 AND r.ts <= ${now} AND r.inReplyTo IS NOT NULL GROUP BY 1),
      them AS (SELECT id AS rid, sender AS c FROM r WHERE NOT us_sent
        UNION ALL SELECT part.rid, part.person FROM part JOIN person p ON p.id = part.person JOIN r ON r.id = part.rid
          WHERE NOT p.internal AND (r.kind <> 0 OR r.us_sent))
      SELECT them.c, p.account, r.id, r.kind, r.ts, r.minutes, r.us_sent, r.inw, replies.first_reply
      FROM them JOIN r ON r.id = them.rid JOIN person p ON p.id = them.c LEFT JOIN replies ON replies.parent = r.id
      WHERE r.us_sent OR r.id IN (SELECT rid FROM us)`,
    `SELECT c AS id, ${figures} FROM hits GROUP BY c HAVING bool_or(inw) ORDER BY c`,
    `SELECT account AS id, ${figures} FROM (SELECT DISTINCT ON (account, id) * FROM hits WHERE account IS NOT NULL)
      GROUP BY account HAVING bool_or(inw) ORDER BY account`,
  ].map(sql);
}

/** The colleagues who know each sampled contact, top 5 by strength (plain-figures.mjs's `whoKnowsWhom`). */
function whoKnowsWhomStatement(now, viewer) {
  return sql(`
    WITH r AS (SELECT * FROM rec WHERE ts <= ${now}),
    n AS (SELECT rid, count(*) + 1 AS people FROM part GROUP BY rid),
    edges AS (
      SELECT r.id, r.sender AS a, part.person AS b, r.sender AS starter, r.kind, r.ts FROM r JOIN part ON part.rid = r.id
      UNION ALL
      SELECT r.id, p1.person, p2.person, NULL, 1, r.ts FROM r JOIN n ON n.rid = r.id AND n.people <= 15
        JOIN part p1 ON p1.rid = r.id JOIN part p2 ON p2.rid = r.id AND p1.person < p2.person WHERE r.kind = 1),
    pairs AS (
      SELECT s.c AS contact, CASE WHEN e.a = s.c THEN e.b ELSE e.a END AS colleague, e.* FROM edges e JOIN sample s ON s.c = e.a OR s.c = e.b),
    ties AS (
      SELECT contact, colleague,
        sum(CASE WHEN kind = 0 THEN 1 ELSE 2 END * pow(2, -(${now} - ts) / ${90 * DAY}.0)) AS activity,
        count(*) FILTER (starter = contact) AS by_contact, count(*) FILTER (starter = colleague) AS by_colleague,
        count(*) FILTER (kind = 0) AS emails, count(*) FILTER (kind = 1) AS meetings, count(*) FILTER (kind = 2) AS calls, max(ts) AS last
      FROM pairs JOIN person p ON p.id = pairs.colleague WHERE p.internal AND colleague <> ${quote(viewer)} GROUP BY 1, 2)
    SELECT contact, colleague, emails, meetings, calls, last,
      round((1 - pow(2, -activity / 4)) * (0.6 + 0.4 * CASE WHEN by_contact = 0 AND by_colleague = 0 THEN 1
        ELSE least(by_contact, by_colleague) / greatest(by_contact, by_colleague) END), 4) AS strength,
      count(*) OVER (PARTITION BY contact) AS known
    FROM ties QUALIFY row_number() OVER (PARTITION BY contact ORDER BY strength DESC, colleague) <= 5
    ORDER BY contact, strength DESC`);
}

/** Department × week (plain-figures.mjs's `departmentWeeks`). */
function departmentWeeksStatement(now) {
  const weekStart = (x) => `(${x} - ((${x} // ${DAY} + 3) % 7) * ${DAY} - ${x} % ${DAY})`;
  const first = `${weekStart(`${now - 90 * DAY + 1}`)}`;
  const end = `(${weekStart(`${now}`)} + ${7 * DAY})`;
  return sql(`
    WITH m AS (SELECT id, department FROM person WHERE internal AND department IS NOT NULL),
    r AS (SELECT *, ${weekStart("ts")} AS week FROM rec WHERE kind <> 2 AND ts >= ${first} AND ts < ${end}),
    roles AS (
      SELECT r.id AS rid, m.department AS d, 'sent' AS role FROM r JOIN m ON m.id = r.sender WHERE r.kind = 0
      UNION SELECT part.rid, m.department, 'recv' FROM part JOIN r ON r.id = part.rid JOIN m ON m.id = part.person WHERE r.kind = 0
      UNION SELECT r.id, m.department, 'meet' FROM r JOIN m ON m.id = r.sender WHERE r.kind = 1
      UNION SELECT part.rid, m.department, 'meet' FROM part JOIN r ON r.id = part.rid JOIN m ON m.id = part.person WHERE r.kind = 1),
    ext AS (
      SELECT r.id AS rid, r.sender AS x FROM r JOIN person p ON p.id = r.sender WHERE NOT p.internal
      UNION ALL SELECT part.rid, part.person FROM part JOIN r ON r.id = part.rid JOIN person p ON p.id = part.person WHERE NOT p.internal),
    cells AS (
      SELECT d, week, count(*) FILTER (role = 'sent') AS emailsSent, count(*) FILTER (role = 'recv') AS emailsReceived,
        count(*) FILTER (role = 'meet') AS meetings, coalesce(sum(minutes) FILTER (role = 'meet'), 0) AS meetingMinutes,
        count(*) FILTER (role = 'sent' AND ((ts // ${DAY} + 3) % 7 >= 5 OR ts % ${DAY} < ${8 * 3_600_000} OR ts % ${DAY} >= ${18 * 3_600_000}))
          / nullif(count(*) FILTER (role = 'sent'), 0) AS afterHoursShare
      FROM roles JOIN r ON r.id = roles.rid GROUP BY 1, 2),
    contacts AS (
      SELECT d, week, count(DISTINCT x) AS externalContacts FROM (SELECT DISTINCT rid, d FROM roles) roles
        JOIN r ON r.id = roles.rid JOIN ext ON ext.rid = roles.rid GROUP BY 1, 2)
    SELECT cells.*, coalesce(contacts.externalContacts, 0) AS externalContacts
    FROM cells LEFT JOIN contacts USING (d, week) ORDER BY d, week`);
}

const [dir, ...sizes] = process.argv.slice(2);
report({ op: "env", runtime: "duckdb", version: duckdb.version() });
for (const size of sizes.map(Number).filter(Boolean)) {
  const data = read(dir, size);
  const now = Date.parse(data.now);
  const viewer = data.viewer.toLowerCase();
  const runs = size >= 1_000_000 ? 3 : 5;
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  const all = async (text) => (await db.runAndReadAll(text)).getRowObjectsJson();
  const timed = async (op, f) => report({ op, size, ms: Number((await medianMs(runs, f)).toFixed(3)) });

  await timed("load(ndjson file)", async () => {
    for (const statement of loadStatements(data)) await db.run(statement);
  });
  const dirPath = quote(data.directoryPath);
  await timed("loadPeople(16000)", async () => {
    await db.run(`CREATE OR REPLACE TABLE dir16k AS SELECT * FROM read_json(${dirPath}, format = 'array', columns = {
      id: 'VARCHAR', name: 'VARCHAR', internal: 'BOOLEAN', department: 'VARCHAR', accountId: 'VARCHAR', optedOut: 'BOOLEAN', aliases: 'VARCHAR[]' })`);
  });
  let contacts = [];
  let accounts = [];
  await timed("relationshipSummaries(first call)", async () => {
    const [hits, byContact, byAccount] = summaryStatements(now);
    await db.run(hits);
    contacts = await all(byContact);
    accounts = await all(byAccount);
  });
  const sample = contacts.map((r) => r.id).sort().slice(0, SAMPLE);
  await db.run("CREATE OR REPLACE TABLE sample (c VARCHAR)");
  if (sample.length) await db.run(`INSERT INTO sample VALUES ${sample.map((c) => `(${quote(c)})`).join(", ")}`);
  let known = 0;
  await timed("whoKnowsWhom(1000 contacts)", async () => {
    const rows = await all(whoKnowsWhomStatement(now, viewer));
    known = 0;
    let previous = null;
    for (const row of rows) {
      if (row.contact !== previous) known += Number(row.known);
      previous = row.contact;
    }
  });
  let cells = 0;
  await timed("aggregates(department, week)", async () => {
    cells = (await all(departmentWeeksStatement(now))).length;
  });
  const [{ n }] = await all("SELECT count(*) AS n FROM rec");
  report({ op: "info", size, interactions: Number(n), contacts: contacts.length, accounts: accounts.length, known, cells });
  db.closeSync?.();
  instance.closeSync?.();
  console.error(`DuckDB ${size}: done`);
}
