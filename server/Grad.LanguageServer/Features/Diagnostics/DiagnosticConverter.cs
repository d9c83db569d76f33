using Grad.Language.Text;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Protocol;
using Newtonsoft.Json.Linq;
using LanguageDiagnostic = Grad.Language.Diagnostics.Diagnostic;

namespace Grad.LanguageServer.Features.Diagnostics;

public static class DiagnosticConverter
{
    public static LspDiagnostic ToLsp(LanguageDiagnostic diagnostic, SourceText source, string uri)
    {
        JObject? data = null;
        if (!diagnostic.Properties.IsEmpty)
        {
            data = [];
            foreach (var property in diagnostic.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                data[property.Key] = property.Value;
            }
        }

        return new LspDiagnostic
        {
            Range = source.ToRange(diagnostic.Span),
            Severity = (int)diagnostic.Severity,
            Code = diagnostic.Code,
            Message = AnalysisLimits.Cap(diagnostic.Message, AnalysisLimits.MessageCharacters, "message"),
            RelatedInformation = diagnostic.Related.IsEmpty
                ? null
                : diagnostic.Related.Select(r => new DiagnosticRelatedInformation
                {
                    Location = new Location { Uri = uri, Range = source.ToRange(r.Span) },
                    Message = AnalysisLimits.Cap(r.Message, AnalysisLimits.MessageCharacters, "message"),
                }).ToArray(),
            Data = data,
        };
    }
}
