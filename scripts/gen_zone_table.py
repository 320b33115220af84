#!/usr/bin/env python3
"""Generates src/time/zone_table.rs: every time-zone name Microsoft Graph
may put in an event's `timeZone` (Windows names, IANA names, `UTC`) and the
current daylight-saving rule of each, for the Graph loader. The table is made
of the types of src/time/zone_rules.rs and read by src/time/zones.rs.

Inputs, both committed so that the table can be rebuilt anywhere:

- scripts/data/windowsZones.json: CLDR's Windows-to-IANA mapping (the JSON form
  of common/supplemental/windowsZones.xml, from the npm package cldr-core;
  Unicode License V3, see windowsZones.LICENSE). A Windows name maps to the
  IANA zone of its "001" territory.
- scripts/data/tz-rules.tsv: for every IANA name, the POSIX TZ string that ends
  its TZif file in /usr/share/zoneinfo (tzdata's rule for the present and the
  future, e.g. "PST8PDT,M3.2.0,M11.1.0").

    python3 scripts/gen_zone_table.py                  # rebuild the Rust table
    python3 scripts/gen_zone_table.py --refresh-rules  # first re-read tzdata
    python3 scripts/gen_zone_table.py --check          # fail if out of date

Only each zone's current rule is kept: a date before a zone's last change of
rules (Mexico dropping DST in 2022, say) gets today's rule.
"""

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "scripts", "data")
WINDOWS = os.path.join(DATA, "windowsZones.json")
RULES = os.path.join(DATA, "tz-rules.tsv")
OUT = os.path.join(ROOT, "src", "time", "zone_table.rs")

# Windows names that Exchange still returns for old mailboxes but that CLDR no
# longer lists (they were in CLDR's windowsZones.xml up to version 1.8).
LEGACY_WINDOWS = {
    "Armenian Standard Time": "Asia/Yerevan",
    "Kamchatka Standard Time": "Asia/Kamchatka",
    "Mexico Standard Time": "America/Mexico_City",
    "Mexico Standard Time 2": "America/Chihuahua",
    "Mid-Atlantic Standard Time": "Etc/GMT+2",
}
# Other spellings of UTC seen in Graph payloads.
EXTRA = {"tzone://Microsoft/Utc": "Etc/UTC"}
# TZif files that are no zone a user picks.
NOT_ZONES = {"Factory", "localtime", "posixrules"}


def refresh_rules(zoneinfo):
    rules = {}
    for root, dirs, files in os.walk(zoneinfo):
        rel_root = os.path.relpath(root, zoneinfo)
        if rel_root.split(os.sep)[0] in ("posix", "right"):
            dirs[:] = []
            continue
        for f in files:
            path = os.path.join(root, f)
            name = os.path.normpath(os.path.join(rel_root, f)).replace(os.sep, "/")
            with open(path, "rb") as fh:
                data = fh.read()
            if not data.startswith(b"TZif") or name in NOT_ZONES:
                continue
            footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")
            rules[name] = footer
    version = "unknown"
    zi = os.path.join(zoneinfo, "tzdata.zi")
    if os.path.exists(zi):
        with open(zi) as fh:
            first = fh.readline().strip()
        if first.startswith("# version "):
            version = first[len("# version "):]
    with open(RULES, "w") as fh:
        fh.write(f"# tzdata {version}: IANA name, TAB, POSIX TZ string ending its TZif file\n")
        for name in sorted(rules):
            fh.write(f"{name}\t{rules[name]}\n")


def read_rules():
    version, rules = None, {}
    with open(RULES) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                version = version or line.split(":")[0].lstrip("# ")
                continue
            name, footer = line.split("\t")
            rules[name] = footer
    return version, rules


def read_windows():
    """Windows name -> IANA name, from the "001" (golden) territory."""
    if WINDOWS.endswith(".xml"):
        root = ET.parse(WINDOWS).getroot()
        zones = [(z.get("other"), z.get("territory"), z.get("type")) for z in root.iter("mapZone")]
        version = "xml"
    else:
        with open(WINDOWS) as fh:
            doc = json.load(fh)["supplemental"]
        zones = [
            (z["mapZone"]["_other"], z["mapZone"]["_territory"], z["mapZone"]["_type"])
            for z in doc["windowsZones"]["mapTimezones"]
        ]
        version = "CLDR " + doc["version"]["_cldrVersion"]
    mapping = {other: iana.split()[0] for other, territory, iana in zones if territory == "001"}
    return version, mapping


OFFSET = re.compile(r"([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?")


def seconds(text):
    m = OFFSET.fullmatch(text)
    if not m:
        raise ValueError(f"bad time {text!r}")
    sign = -1 if m.group(1) == "-" else 1
    h, mi, s = (int(g or 0) for g in m.group(2, 3, 4))
    return sign * (h * 3600 + mi * 60 + s)


def parse_posix(tz):
    """(std, dst) with offsets in seconds east of UTC; dst is None or
    (offset, start, end), each change (month, week, weekday, seconds)."""
    pos = 0

    def name():
        nonlocal pos
        if tz[pos] == "<":
            end = tz.index(">", pos)
            pos = end + 1
        else:
            m = re.compile(r"[A-Za-z]{3,}").match(tz, pos)
            if not m:
                raise ValueError(f"no zone abbreviation in {tz!r}")
            pos = m.end()

    def offset():
        nonlocal pos
        m = re.compile(r"[+-]?\d{1,2}(?::\d{2}){0,2}").match(tz, pos)
        if not m:
            return None
        pos = m.end()
        return -seconds(m.group(0))  # POSIX counts west of UTC as positive

    name()
    std = offset()
    if pos == len(tz):
        return std, None
    name()
    dst_offset = offset()
    if dst_offset is None:
        dst_offset = std + 3600
    if pos == len(tz) or tz[pos] != ",":
        raise ValueError(f"{tz!r}: daylight-saving time without rules")
    changes = []
    for part in tz[pos + 1:].split(","):
        date, _, time = part.partition("/")
        m = re.fullmatch(r"M(\d{1,2})\.(\d)\.(\d)", date)
        if not m:
            # tzdata writes every current rule in the M form; the Julian forms
            # would need support in zones.rs first.
            raise ValueError(f"{tz!r}: only Mm.w.d dates are supported")
        month, week, weekday = (int(g) for g in m.groups())
        assert 1 <= month <= 12 and 1 <= week <= 5 and 0 <= weekday <= 6, tz
        changes.append((month, week, weekday, seconds(time) if time else 7200))
    if len(changes) != 2:
        raise ValueError(f"{tz!r}: expected a start and an end")
    return std, (dst_offset, changes[0], changes[1])


def rust_rule(rule):
    std, dst = rule
    if dst is None:
        return f"Rule {{ std: {std}, dst: None }}"
    offset, start, end = dst
    return (
        f"Rule {{ std: {std}, dst: Some(Dst {{ offset: {offset}, "
        f"start: c{start}, end: c{end} }}) }}"
    )


def generate():
    tz_version, footers = read_rules()
    windows_version, windows = read_windows()
    for name, iana in LEGACY_WINDOWS.items():
        windows.setdefault(name, iana)
    names = {}  # lower-cased name -> POSIX string
    for name, footer in footers.items():
        names[name.lower()] = footer
    for name, iana in list(windows.items()) + list(EXTRA.items()):
        if iana not in footers:
            sys.exit(f"{name} maps to {iana}, which tzdata does not have")
        key = name.lower()
        if key in names and names[key] != footers[iana]:
            sys.exit(f"{name} is also an IANA name with another rule")
        names[key] = footers[iana]

    rules = sorted(set(names.values()))
    if len(rules) > 256:
        sys.exit("more than 256 distinct rules: widen RULE_OF")
    index = {footer: i for i, footer in enumerate(rules)}
    ordered = sorted(names)
    if any(not n.isascii() for n in ordered):
        sys.exit("a zone name is not ASCII")
    ends, total = [], 0
    for n in ordered:
        total += len(n)
        ends.append(total)
    if total > 0xFFFF:
        sys.exit("names too long for u16 offsets")

    out = []
    out.append("// Generated by scripts/gen_zone_table.py: do not edit.")
    out.append(f"// Sources: {windows_version} windowsZones (\"001\" territory), {tz_version}.")
    out.append("")
    out.append("use super::zone_rules::{Change, Dst, Rule};")
    out.append("")
    out.append("const fn c(month: u8, week: u8, weekday: u8, time: i32) -> Change {")
    out.append("    Change { month, week, weekday, time }")
    out.append("}")
    out.append("")
    out.append("/// Distinct current rules, from each zone's POSIX TZ string (in the comments).")
    out.append("#[rustfmt::skip]")
    out.append(f"pub(super) static RULES: [Rule; {len(rules)}] = [")
    for footer in rules:
        out.append(f"    {rust_rule(parse_posix(footer))}, // {footer}")
    out.append("];")
    out.append("")
    out.append(f"/// Every zone name ({len(ordered)}), lower-cased, sorted, end to end; `NAME_ENDS` splits them.")
    out.append("#[rustfmt::skip]")
    out.append("pub(super) static NAMES: &str = concat!(")
    line = ""
    for n in ordered:
        piece = json.dumps(n) + ", "
        if len(line) + len(piece) > 96:
            out.append("    " + line.rstrip())
            line = ""
        line += piece
    out.append("    " + line.rstrip())
    out.append(");")
    out.append("")
    out.append("/// End offset in `NAMES` of each name.")
    out.append("#[rustfmt::skip]")
    out.append(f"pub(super) static NAME_ENDS: [u16; {len(ordered)}] = [")
    for i in range(0, len(ends), 16):
        out.append("    " + ", ".join(str(e) for e in ends[i:i + 16]) + ",")
    out.append("];")
    out.append("")
    out.append("/// Index in `RULES` of each name's rule.")
    out.append("#[rustfmt::skip]")
    out.append(f"pub(super) static RULE_OF: [u8; {len(ordered)}] = [")
    idx = [index[names[n]] for n in ordered]
    for i in range(0, len(idx), 24):
        out.append("    " + ", ".join(str(e) for e in idx[i:i + 24]) + ",")
    out.append("];")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refresh-rules", nargs="?", const="/usr/share/zoneinfo", metavar="ZONEINFO",
                    help="re-read the POSIX TZ strings from a zoneinfo directory first")
    ap.add_argument("--check", action="store_true", help="fail when the committed table is out of date")
    args = ap.parse_args()
    if args.refresh_rules:
        refresh_rules(args.refresh_rules)
    text = generate()
    if args.check:
        with open(OUT) as fh:
            if fh.read() != text:
                sys.exit(f"{os.path.relpath(OUT, ROOT)} is out of date: run scripts/gen_zone_table.py")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        fh.write(text)
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
