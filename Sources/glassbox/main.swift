import GlassboxREPL

print("glassbox 0.1.0")
