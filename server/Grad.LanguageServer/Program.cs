namespace Grad.LanguageServer;

public static class Program
{
    public static int Main() => 0;
}
