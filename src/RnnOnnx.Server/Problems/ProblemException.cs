namespace RnnOnnx.Server.Problems;

/// <summary>A request the server refuses, answered as an RFC 7807 problem with this status, title and detail.</summary>
internal sealed class ProblemException : RnnOnnxException
{
    public ProblemException(int status, string title, string detail) : base(detail)
    {
        Status = status;
        Title = title;
    }

    public int Status { get; }

    public string Title { get; }
}
