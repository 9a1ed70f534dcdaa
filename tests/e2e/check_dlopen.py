# SPDX-License-Identifier: MIT
"""e2e: dlmain.c + plugin.c - a plugin dlopen()ed at run time: its functions
are counted and symbolized with name, file and module (the plugin's path)."""
import os

from vpcheck import Checker, basename

K = 321


def main():
    c = Checker("dlopen", [(("--plugin",), {"required": True})])
    plugin = os.path.realpath(c.args.plugin)
    cp, raws = c.run([plugin, K])
    s = sum((x * 5 - 1) + ((x + 1) * 5 - 1) for x in range(K))
    c.expect(cp.stdout == "sum=%d\n" % s, "unexpected output %r" % cp.stdout)
    p = c.export(c.one_raw(raws))

    c.compare("function calls",
              {"main": 1, "call_plugin": 1, "plugin_fn": K, "plugin_inner": 2 * K},
              p.calls())
    c.compare("call edges (caller, callee, line)",
              {("call_plugin", "plugin_fn", c.marker_line("dlmain.c", "SITE:call_plugin")): K,
               ("plugin_fn", "plugin_inner", c.marker_line("plugin.c", "SITE:plugin_inner")): 2 * K},
              {k: v for k, v in p.edge_counts(by_line=True).items()
               if k[1] in ("plugin_fn", "plugin_inner")})

    exe_mod = None
    f = p.func("main")
    if f:
        exe_mod = p.module_of(f)
    for name in ("plugin_fn", "plugin_inner"):
        f = p.func(name)
        if not c.expect(f is not None, "no single function %s" % name):
            continue
        c.expect(basename(f.get("file")) == "plugin.c",
                 "%s: file %r, expected .../plugin.c" % (name, f.get("file")))
        m = p.module_of(f)
        if not c.expect(m is not None, "%s: no module" % name):
            continue
        c.expect(m["path"] and os.path.realpath(m["path"]) == plugin,
                 "%s: module path %r, expected %s" % (name, m["path"], plugin))
        c.expect(m is not exe_mod, "%s is in the executable's module" % name)
        c.expect(bool(m.get("build_id")), "plugin module without build_id: %s" % m)
    if exe_mod:
        c.expect(os.path.realpath(exe_mod["path"]) == os.path.realpath(c.prog),
                 "main's module path %r, expected %s" % (exe_mod["path"], c.prog))
    paths = [os.path.realpath(m["path"]) for m in p.doc["modules"] if m.get("path")]
    c.expect(plugin in paths, "plugin %s not among the modules %s" % (plugin, paths))
    c.expect_program(p, state=None)
    c.finish()


if __name__ == "__main__":
    main()
