/// Namespace of the GlassboxWalkthroughs module; see Docs/ARCHITECTURE.md.
public enum GlassboxWalkthroughsModule {
    public static let name = "GlassboxWalkthroughs"
}
