/// Namespace of the GlassboxLanguage module; see Docs/ARCHITECTURE.md.
public enum GlassboxLanguageModule {
    public static let name = "GlassboxLanguage"
}
