#!/usr/bin/env python3
"""Checks the workspace's declared minimum Rust version (rust-version in Cargo.toml) honestly.

Only one toolchain can be installed on CI's machines, so the declaration cannot be checked by
building with the old compiler. What is checked instead:
  1. the declared version is at least every dependency's own `rust-version` among the crates
     a Linux build compiles (a dependency that needs a newer Rust would make it a lie);
  2. the compiler CI builds with is at least the declared version.
"""
import json
import re
import subprocess
import sys


def version(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3]) + (0,) * (3 - len(re.findall(r"\d+", text)[:3]))


def main():
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--locked",
         "--filter-platform", "x86_64-unknown-linux-gnu"]))
    workspace = set(meta["workspace_members"])
    declared = {p["rust_version"] for p in meta["packages"] if p["id"] in workspace}
    if len(declared) != 1 or None in declared:
        sys.exit(f"msrv: every workspace crate should inherit one rust-version; found {declared}")
    declared = declared.pop()
    # The crates a Linux build resolves (normal, build and dev dependencies).
    resolved = {n["id"] for n in meta["resolve"]["nodes"]}
    needs = sorted(
        ((version(p["rust_version"]), p["name"], p["version"], p["rust_version"])
         for p in meta["packages"]
         if p["id"] in resolved and p["id"] not in workspace and p.get("rust_version")),
        reverse=True)
    too_new = [n for n in needs if n[0] > version(declared)]
    if too_new:
        lines = "\n".join(f"  {name} {v} needs Rust {rv}" for _, name, v, rv in too_new[:10])
        sys.exit(f"msrv: rust-version = {declared} is below what dependencies need:\n{lines}\n"
                 "raise rust-version in Cargo.toml to the highest of these")
    rustc = subprocess.check_output(["rustc", "--version"], text=True)
    if version(rustc.split()[1]) < version(declared):
        sys.exit(f"msrv: {rustc.strip()} is older than the declared rust-version {declared}")
    top = needs[0] if needs else None
    print(f"msrv: rust-version {declared}; the most demanding dependency is "
          f"{top[1]} {top[2]} (Rust {top[3]}); building with {rustc.strip()}")


if __name__ == "__main__":
    main()
