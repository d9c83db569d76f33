using Newtonsoft.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// JsonRpc with LSP's error codes: a request before <c>initialize</c> answers ServerNotInitialized
/// (−32002) and a notification before it is dropped (but <c>exit</c>); parameters that do not
/// deserialize answer InvalidParams (StreamJsonRpc would say "invocation error") in the protocol's
/// terms, naming the JSON path and never a .NET type; no server stack traces go to the client.
/// </summary>
internal sealed class LspJsonRpc : JsonRpc
{
    /// <summary>LSP's ServerNotInitialized.</summary>
    public const int ServerNotInitialized = -32002;

    public LspJsonRpc(IJsonRpcMessageHandler handler)
        : base(handler)
    {
    }

    private volatile bool initializeReceived;

    /// <summary>True once <c>shutdown</c> was answered: every request but <c>exit</c> is then an InvalidRequest.</summary>
    public Func<bool> IsShutDown { get; set; } = () => false;

    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        if (request.Method == "initialize")
        {
            // Marked on arrival (messages are dispatched in order), not when the handler has run.
            initializeReceived = true;
        }
        else if (!initializeReceived && request.Method != "exit")
        {
            // Notifications are dropped: JsonRpc sends nothing back for them.
            return Error(request, (JsonRpcErrorCode)ServerNotInitialized, $"{request.Method}: the server is not initialized yet (send initialize first)");
        }

        if (IsShutDown() && request.IsResponseExpected && request.Method != "shutdown")
        {
            return Error(request, JsonRpcErrorCode.InvalidRequest, $"{request.Method}: the server is shutting down");
        }

        return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        if (BadParamsPath(exception) is { } path)
        {
            return new JsonRpcError.ErrorDetail
            {
                Code = JsonRpcErrorCode.InvalidParams,
                Message = path.Length == 0
                    ? $"Invalid params for {request.Method}: the params do not have the shape this method takes"
                    : $"Invalid params for {request.Method}: `{path}` is missing or not of the kind this method takes",
            };
        }

        var detail = base.CreateErrorDetails(request, exception);
        detail.Data = null;
        return detail;
    }

    private static ValueTask<JsonRpcMessage> Error(JsonRpcRequest request, JsonRpcErrorCode code, string message) =>
        new(new JsonRpcError
        {
            RequestId = request.RequestId,
            Error = new JsonRpcError.ErrorDetail { Code = code, Message = message },
        });

    /// <summary>The JSON path (in params) where deserializing failed; null when the exception is not a deserialization failure.</summary>
    private static string? BadParamsPath(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            switch (exception)
            {
                case JsonSerializationException serialization:
                    return serialization.Path ?? "";
                case JsonReaderException reader:
                    return reader.Path ?? "";
            }
        }

        return null;
    }
}
