/// Namespace of the GlassboxREPL module; see Docs/ARCHITECTURE.md.
public enum GlassboxREPLModule {
    public static let name = "GlassboxREPL"
}
