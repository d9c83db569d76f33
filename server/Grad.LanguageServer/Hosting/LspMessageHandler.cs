using Newtonsoft.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// LSP's header-delimited framing, where a body that is not a JSON-RPC message is answered
/// (−32700 ParseError for text that is not JSON, −32600 InvalidRequest for JSON that is not a
/// message, both with <c>id: null</c>) and the next message is read, as JSON-RPC 2.0 asks.
/// Only a broken frame (a bad header, a stream that ends inside a body) ends the connection:
/// after it, no message boundary can be trusted.
/// </summary>
internal sealed class LspMessageHandler : HeaderDelimitedMessageHandler
{
    public LspMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter)
        : base(output, input, formatter)
    {
    }

    /// <summary>Called with the JSON-RPC error code and a description of each body that was answered with an error.</summary>
    public Action<int, string>? BadBody { get; set; }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            JsonRpcErrorCode code;
            string message;
            try
            {
                return await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonReaderException exception)
            {
                code = JsonRpcErrorCode.ParseError;
                message = $"Parse error: the message body is not valid JSON (line {exception.LineNumber}, column {exception.LinePosition})";
            }
            catch (Exception exception) when (IsNotAMessage(exception))
            {
                code = JsonRpcErrorCode.InvalidRequest;
                message = "Invalid request: the message body is JSON but not a JSON-RPC 2.0 request, notification or response";
            }

            // The whole body was consumed (the handler buffers it before deserializing): answer it and go on.
            BadBody?.Invoke((int)code, message);
            await WriteAsync(
                new JsonRpcError { RequestId = RequestId.Null, Error = new JsonRpcError.ErrorDetail { Code = code, Message = message } },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// JSON that the formatter could not read as a message (an array, a number, <c>null</c>):
    /// Json.NET's own failures only, so a broken pipe is never mistaken for a bad body.
    /// </summary>
    private static bool IsNotAMessage(Exception exception) =>
        exception is JsonSerializationException
        || (exception is InvalidOperationException or InvalidCastException or FormatException or ArgumentException && exception.Source == "Newtonsoft.Json");
}
