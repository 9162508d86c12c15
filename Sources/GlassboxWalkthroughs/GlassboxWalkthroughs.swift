import GlassboxLanguage

/// Namespace of the GlassboxWalkthroughs module; see Docs/ARCHITECTURE.md and Docs/WALKTHROUGHS.md.
public enum GlassboxWalkthroughsModule {
    public static let name = "GlassboxWalkthroughs"
}
