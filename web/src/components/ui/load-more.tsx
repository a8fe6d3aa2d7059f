//! The "load more" footer of a cursor-paginated list.
import { Button } from './button';

type LoadMoreProps = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  shown: number;
  noun: string;
};

export function LoadMore({ hasNextPage, isFetchingNextPage, onLoadMore, shown, noun }: LoadMoreProps) {
  return (
    <div className="mt-4 flex items-center justify-between gap-3 text-sm text-zinc-500">
      <span>
        Showing {shown} {noun}
      </span>
      {hasNextPage ? (
        <Button variant="secondary" size="sm" isLoading={isFetchingNextPage} onClick={onLoadMore}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
