using Newtonsoft.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// JsonRpc with LSP's error codes: parameters that do not deserialize answer InvalidParams
/// (StreamJsonRpc would say "invocation error"), and no server stack traces go to the client.
/// </summary>
internal sealed class LspJsonRpc : JsonRpc
{
    public LspJsonRpc(IJsonRpcMessageHandler handler)
        : base(handler)
    {
    }

    /// <summary>True once <c>shutdown</c> was answered: every request but <c>exit</c> is then an InvalidRequest.</summary>
    public Func<bool> IsShutDown { get; set; } = () => false;

    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        if (IsShutDown() && request.IsResponseExpected && request.Method != "shutdown")
        {
            return new ValueTask<JsonRpcMessage>(new JsonRpcError
            {
                RequestId = request.RequestId,
                Error = new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.InvalidRequest, Message = $"{request.Method}: the server is shutting down" },
            });
        }

        return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        if (IsBadParams(exception))
        {
            return new JsonRpcError.ErrorDetail
            {
                Code = JsonRpcErrorCode.InvalidParams,
                Message = $"Invalid params for {request.Method}: {exception.Message}",
            };
        }

        var detail = base.CreateErrorDetails(request, exception);
        detail.Data = null;
        return detail;
    }

    private static bool IsBadParams(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonSerializationException or JsonReaderException)
            {
                return true;
            }
        }

        return false;
    }
}
