/// Namespace of the GlassboxLessons module; see Docs/ARCHITECTURE.md.
public enum GlassboxLessonsModule {
    public static let name = "GlassboxLessons"
}
