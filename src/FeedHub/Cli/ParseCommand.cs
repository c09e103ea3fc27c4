using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using FeedHub.Core.Parser;

namespace FeedHub.Cli;

/// <summary><c>feedhub parse IN_DIR OUT_DIR</c>: the neutral JSON of every feed file, no network.</summary>
public static class ParseCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN_DIR") { Description = "The folder of feed files" };
        var output = new Argument<string>("OUT_DIR") { Description = "Where <file name>.json is written for each" };
        var parse = new Command("parse", "Parse every feed file of IN_DIR (no network) into OUT_DIR/<file name>.json, the neutral schema") { input, output };
        parse.SetAction(parsed => Run(parsed.GetValue(input)!, parsed.GetValue(output)!));
        return parse;
    }

    private static int Run(string inputDirectory, string outputDirectory)
    {
        if (!Directory.Exists(inputDirectory))
        {
            throw new UsageException($"no such directory: {inputDirectory}");
        }

        Directory.CreateDirectory(outputDirectory);
        var reader = new FeedReader();
        var files = Directory.GetFiles(inputDirectory);
        long parseTicks = 0;
        var failures = 0;
        // Plain threads taking the next file in turn (no thread-pool spinning), one per core. Reading (from the page
        // cache), parsing, writing JSON and creating the output file are all CPU work, so threads beyond the cores
        // only queue on shared locks (the output directory's, the JIT's, the resource strings of XmlReader): on two
        // cores, 2 threads took a median 0.59-0.71 s where 16 took 0.67-0.79 s over the same runs.
        var next = -1;
        var buffers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new WorkerBuffers()).ToList();
        var workers = buffers.Select(own => new Thread(() =>
        {
            for (var index = Interlocked.Increment(ref next); index < files.Length; index = Interlocked.Increment(ref next))
            {
                if (!ParseFile(reader, files[index], outputDirectory, own, ref parseTicks))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        var phaseStarted = Stopwatch.GetTimestamp();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        var phaseTicks = Stopwatch.GetTimestamp() - phaseStarted;

        // Summed per file, parse time counts the moments a worker waited for a core; the whole phase bounds it.
        var seconds = (double)Math.Min(parseTicks, phaseTicks) / Stopwatch.Frequency;
        WriteTiming(Path.Combine(outputDirectory, "_timing.json"), seconds, buffers.SelectMany(worker => worker.FileTicks));
        return failures == 0 ? FeedHubCommandLine.Success : FeedHubCommandLine.Failure;
    }

    /// <summary>Parses one file and writes its JSON; false when the file could not be read or written.</summary>
    private static bool ParseFile(FeedReader reader, string file, string outputDirectory, WorkerBuffers buffers, ref long parseTicks)
    {
        var output = Path.Combine(outputDirectory, Path.GetFileName(file) + ".json");
        try
        {
            var body = buffers.ReadWholeFile(file);
            var started = Stopwatch.GetTimestamp();
            var document = reader.Read(body);
            var ticks = Stopwatch.GetTimestamp() - started;
            Interlocked.Add(ref parseTicks, ticks);
            buffers.FileTicks.Add((Path.GetFileName(file), ticks));
            buffers.Json.ResetWrittenCount();
            NeutralFeedJson.Write(document, buffers.Json);
            WriteFile(output, buffers.Json.WrittenSpan);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"feedhub: {file}: {exception.Message}");
            TryWriteError(output, exception.Message, buffers.Json);
            return false;
        }
    }

    /// <summary>
    /// What one worker reuses from file to file: the bytes it reads (the parser keeps no reference to them) and the
    /// JSON it writes. Saves allocating every file twice, the large ones on the large object heap.
    /// </summary>
    private sealed class WorkerBuffers
    {
        private byte[] input = new byte[64 * 1024];

        public ArrayBufferWriter<byte> Json { get; } = new(64 * 1024);

        /// <summary>How long the parser took on each file this worker read.</summary>
        public List<(string File, long Ticks)> FileTicks { get; } = [];

        /// <summary>The file's bytes, valid until the next call.</summary>
        public ReadOnlyMemory<byte> ReadWholeFile(string path)
        {
            using var handle = File.OpenHandle(path);
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                throw new IOException($"the file is larger than {Array.MaxLength} bytes");
            }

            if (input.Length < length)
            {
                input = new byte[Math.Min(Array.MaxLength, Math.Max(length, 2L * input.Length))];
            }

            var read = 0;
            while (read < length)
            {
                var count = RandomAccess.Read(handle, input.AsSpan(read, (int)length - read), read);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            return input.AsMemory(0, read);
        }
    }

    /// <summary>
    /// <c>_timing.json</c>: the time inside the parser, in all (<c>parse_seconds</c>, what the corpus scorers read) and
    /// per file (<c>file_seconds</c>, for the slowest files and percentiles of the fuzzing benchmark).
    /// </summary>
    private static void WriteTiming(string path, double seconds, IEnumerable<(string File, long Ticks)> files)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteNumber("parse_seconds", seconds);
        json.WriteStartObject("file_seconds");
        foreach (var (file, ticks) in files)
        {
            json.WriteNumber(file, (double)ticks / Stopwatch.Frequency);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes a whole file with the fewest system calls (no locking or preallocation, which a fresh file needs not).</summary>
    private static void WriteFile(string path, ReadOnlySpan<byte> content)
    {
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, content, fileOffset: 0);
    }

    private static void TryWriteError(string output, string message, ArrayBufferWriter<byte> json)
    {
        try
        {
            json.ResetWrittenCount();
            NeutralFeedJson.Write(new FeedDocument { Error = $"could not read the file: {message}" }, json);
            WriteFile(output, json.WrittenSpan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"feedhub: {output}: {exception.Message}");
        }
    }
}
