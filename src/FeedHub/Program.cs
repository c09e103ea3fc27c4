using FeedHub.Cli;

return await FeedHubCommandLine.RunAsync(args);
