using StreamRec.Onnx.Native;

namespace StreamRec.UnitTests.Onnx;

public sealed class OnnxRuntimeLibraryTests
{
    [Fact]
    public void Configured_path_that_does_not_exist_names_the_path_and_the_install_script()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "libonnxruntime.so.1");

        var error = Assert.Throws<DllNotFoundException>(() => OnnxRuntimeLibrary.Load(missing, AppContext.BaseDirectory));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(OnnxRuntimeLibrary.PathVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/get-onnxruntime.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_file_that_is_not_a_library_is_reported_with_the_loader_reason()
    {
        var notALibrary = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notALibrary, "not an ELF file");

            var error = Assert.Throws<DllNotFoundException>(() => OnnxRuntimeLibrary.Load(notALibrary, AppContext.BaseDirectory));

            Assert.Contains(notALibrary, error.Message, StringComparison.Ordinal);
            Assert.NotNull(error.InnerException);
        }
        finally
        {
            File.Delete(notALibrary);
        }
    }
}
