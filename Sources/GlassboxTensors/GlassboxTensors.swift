/// Namespace of the GlassboxTensors module; see Docs/ARCHITECTURE.md.
public enum GlassboxTensorsModule {
    public static let name = "GlassboxTensors"
}
