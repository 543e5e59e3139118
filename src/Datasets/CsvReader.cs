namespace StreamRec.Datasets;

/// <summary>
/// A small forward-only RFC 4180 reader: comma-separated fields, a field in double quotes may hold
/// commas, line breaks and doubled quotes (<c>""</c> for one <c>"</c>); records end with LF or CRLF.
/// This is the format of GroupLens' MovieLens CSV files.
/// </summary>
/// <remarks>
/// Fields of the current record are exposed as spans over one reused buffer, so reading a file
/// allocates nothing per field; a span is valid until the next <see cref="ReadRecord"/>. Empty lines
/// are skipped. Malformed input (text after a closing quote, a quote inside an unquoted field, end of
/// file inside quotes) throws <see cref="InvalidDataException"/> naming the line.
/// </remarks>
public sealed class CsvReader : IDisposable
{
    private const int Eof = -1;

    private readonly TextReader _reader;
    private readonly string _sourceName;
    private readonly char[] _input = new char[16 * 1024];
    private int _inputPosition;
    private int _inputLength;

    private char[] _record = new char[256];
    private int _recordLength;
    private int[] _fieldEnds = new int[8];
    private long _nextLineNumber = 1;

    /// <param name="reader">The text to read; disposed with this reader.</param>
    /// <param name="sourceName">Names the input (a file path) in error messages.</param>
    public CsvReader(TextReader reader, string sourceName = "CSV input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _sourceName = sourceName;
    }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>1-based line on which the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The unescaped text of field <paramref name="index"/> of the current record.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FieldCount);
            int start = index == 0 ? 0 : _fieldEnds[index - 1];
            return _record.AsSpan(start, _fieldEnds[index] - start);
        }
    }

    public string GetString(int index) => new(this[index]);

    /// <summary>Advances to the next record; false at the end of the input.</summary>
    public bool ReadRecord()
    {
        _recordLength = 0;
        FieldCount = 0;
        int c;
        while ((c = Peek()) is '\n' or '\r')
        {
            Read();
            if (c == '\r' && Peek() == '\n')
                Read();
            _nextLineNumber++;
        }

        if (c == Eof)
            return false;

        LineNumber = _nextLineNumber;
        while (true)
        {
            bool endOfRecord = ReadField();
            AddFieldEnd();
            if (endOfRecord)
                return true;
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Reads one field into the record buffer; true when it was the record's last.</summary>
    private bool ReadField()
    {
        if (Peek() == '"')
        {
            Read();
            ReadQuotedContent();
        }

        while (true)
        {
            int c = Read();
            switch (c)
            {
                case ',':
                    return false;
                case '\n':
                    _nextLineNumber++;
                    return true;
                case '\r':
                    if (Peek() == '\n')
                        Read();
                    _nextLineNumber++;
                    return true;
                case Eof:
                    return true;
                case '"':
                    throw Malformed("a quote inside an unquoted field");
                default:
                    Append((char)c);
                    break;
            }
        }
    }

    private void ReadQuotedContent()
    {
        while (true)
        {
            int c = Read();
            if (c == Eof)
                throw Malformed("end of file inside a quoted field");
            if (c == '"')
            {
                if (Peek() != '"')
                {
                    int next = Peek();
                    if (next is not (',' or '\n' or '\r' or Eof))
                        throw Malformed("text after a closing quote");
                    return;
                }

                Read();
            }
            else if (c == '\n')
            {
                _nextLineNumber++;
            }

            Append((char)c);
        }
    }

    private void Append(char c)
    {
        if (_recordLength == _record.Length)
            Array.Resize(ref _record, _record.Length * 2);
        _record[_recordLength++] = c;
    }

    private void AddFieldEnd()
    {
        if (FieldCount == _fieldEnds.Length)
            Array.Resize(ref _fieldEnds, _fieldEnds.Length * 2);
        _fieldEnds[FieldCount++] = _recordLength;
    }

    private int Peek()
    {
        if (_inputPosition == _inputLength && !Fill())
            return Eof;
        return _input[_inputPosition];
    }

    private int Read()
    {
        if (_inputPosition == _inputLength && !Fill())
            return Eof;
        return _input[_inputPosition++];
    }

    private bool Fill()
    {
        _inputLength = _reader.Read(_input, 0, _input.Length);
        _inputPosition = 0;
        return _inputLength > 0;
    }

    private InvalidDataException Malformed(string what) =>
        new($"{_sourceName}:{_nextLineNumber}: malformed CSV, {what}.");
}
