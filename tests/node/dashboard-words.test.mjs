// The dashboard's pure helpers, in Node: the CSV reader (www/worker/csv.js)
// against hand-written rows an exporter or a hostile sender would produce
// (quotes, commas and line breaks inside fields, CRLF, a byte order mark,
// lists split by ";", a column the engine does not know), and the words of
// the data's age and the permission in force (www/freshness.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCsv, csvToNdjson, csvKind } from "../../www/worker/csv.js";
import { ageText, ageWords, consentText } from "../../www/freshness.js";

test("CSV: quoted fields keep commas, doubled quotes and line breaks; CRLF and a BOM are read", () => {
  const text = '\ufeffid,kind,from,to,at,threadId\r\ne1,email,a@x.example,"b@y.example; c@y.example",2026-03-01T10:00:00Z,"Re: ""Q3"", budget\nline two"\r\n';
  assert.deepEqual(parseCsv(text), [
    ["id", "kind", "from", "to", "at", "threadId"],
    ["e1", "email", "a@x.example", "b@y.example; c@y.example", "2026-03-01T10:00:00Z", 'Re: "Q3", budget\nline two'],
  ]);
  const { ndjson, records } = csvToNdjson(text);
  assert.equal(records, 1);
  assert.deepEqual(JSON.parse(ndjson.trim()), {
    id: "e1",
    kind: "email",
    from: "a@x.example",
    to: ["b@y.example", "c@y.example"],
    at: "2026-03-01T10:00:00Z",
    threadId: 'Re: "Q3", budget\nline two',
  });
});

test("CSV: numbers, booleans and epoch times by column; empty cells are absent; unknown columns reach the engine by name", () => {
  const text = "id,kind,from,to,cc,at,durationMinutes,cancelled,colour\nm1,meeting,a@x.example,b@y.example,,1772323200000,30,false,red\n";
  const rec = JSON.parse(csvToNdjson(text).ndjson);
  assert.deepEqual(rec, { id: "m1", kind: "meeting", from: "a@x.example", to: ["b@y.example"], at: 1772323200000, durationMinutes: 30, cancelled: false, colour: "red" });
  // A row longer than its header keeps the extra cell, named, so the engine refuses it instead of dropping it silently.
  assert.deepEqual(JSON.parse(csvToNdjson("id,kind,from,at\ne2,email,a@x.example,2026-03-01T10:00:00Z,surplus\n").ndjson).column5, "surplus");
  // "30 min" is not a number: passed on as text for the engine to refuse.
  assert.equal(JSON.parse(csvToNdjson("id,kind,from,at,durationMinutes\nc1,call,a@x.example,2026-03-01T10:00:00Z,30 min\n").ndjson).durationMinutes, "30 min");
});

test("CSV: a header is told from its names; people files too; anything else is not CSV", () => {
  assert.equal(csvKind("id,kind,from,to,at"), "interactions");
  assert.equal(csvKind("id,name,department,internal"), "people");
  assert.equal(csvKind("name,email"), null);
  assert.equal(csvKind('{"id":"e1"}'), null);
});

test("the data's age: nothing within a week, then days, weeks, months and years in words", () => {
  const now = Date.parse("2026-12-05T12:00:00Z");
  assert.equal(ageText("2026-11-30T12:00:00Z", now), null, "five days: not flagged");
  assert.equal(ageText(null, now), null);
  assert.equal(ageText("not a date", now), null);
  assert.equal(ageText("2026-11-25T12:00:00Z", now), "Data as of November 25, 2026, 10 days old: figures describe that time, not today.");
  assert.equal(ageText("2026-03-06T00:00:00Z", now), "Data as of March 6, 2026, 9 months old: figures describe that time, not today.", "the issue's own example");
  assert.deepEqual([1, 13, 14, 60, 61, 729, 730].map(ageWords), ["1 day", "13 days", "2 weeks", "8 weeks", "2 months", "23 months", "1 year"]);
});

test("the permission in force in words: who granted it and until when, or that only your own is shown", () => {
  assert.equal(
    consentText({ kind: "token", expiresAt: "2027-01-04T10:00:00Z", identifiable: true, aggregated: false }),
    "Granted by your administrator until January 4, 2027: your colleagues' interactions by name.",
  );
  assert.match(consentText({ kind: "none", expiresAt: null, identifiable: false, aggregated: false }), /has not granted access/);
  // A token granting nothing is no grant.
  assert.match(consentText({ kind: "token", expiresAt: "2027-01-04T10:00:00Z", identifiable: false, aggregated: false }), /has not granted access/);
});
