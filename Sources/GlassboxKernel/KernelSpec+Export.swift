import GlassboxLessons

// MARK: - Lessons and notebooks as .ipynb

extension KernelSpec {
    /// `glassbox kernel export FILE.md...`: writes each lesson or saved notebook as Jupyter
    /// nbformat 4.5 (`Notebook.jupyter()`, what `:export` writes), as `NAME.ipynb` beside it
    /// or in `directory`; returns the paths written. The notebooks name the `glassbox`
    /// kernelspec, so they open and run in JupyterLab once `kernel install` has run.
    public static func export(_ files: [String], to directory: String?) throws(LessonError) -> [String] {
        var written: [String] = []
        if let directory { try TextFile.makeDirectory(directory) }
        for file in files {
            let notebook = try Notebook.parse(try TextFile.read(file), name: file)
            var base = TextFile.baseName(file)
            if base.hasSuffix(".md") { base.removeLast(3) }
            let target = (directory ?? TextFile.directoryName(file)) + "/" + base + ".ipynb"
            try TextFile.writeAtomically(notebook.jupyter().text(), to: target)
            written.append(target)
        }
        return written
    }
}
